-- Search-queue triggers that survive an UPSERT on the table they watch.
--
-- ``insert or ignore`` inside a trigger takes the conflict policy of the
-- outer statement: when that statement is an UPSERT taking its update path,
-- a row already waiting in ``search_queue`` made the whole statement fail
-- with a UNIQUE error. ``on conflict do nothing`` is the trigger's own
-- policy and holds whatever the outer statement does.

drop trigger messages_search_ai;
CREATE TRIGGER messages_search_ai after insert on messages begin insert into search_queue values ('messages', new.id) on conflict do nothing; end;

drop trigger messages_search_ad;
CREATE TRIGGER messages_search_ad after delete on messages begin insert into search_queue values ('messages', old.id) on conflict do nothing; end;

drop trigger messages_search_au;
CREATE TRIGGER messages_search_au after update of content, kind, model, turn_id, session_id, created_at
on messages begin insert into search_queue values ('messages', new.id) on conflict do nothing; end;

drop trigger tool_calls_search_ai;
CREATE TRIGGER tool_calls_search_ai after insert on tool_calls begin insert into search_queue values ('tool_calls', new.id) on conflict do nothing; end;

drop trigger tool_calls_search_ad;
CREATE TRIGGER tool_calls_search_ad after delete on tool_calls begin insert into search_queue values ('tool_calls', old.id) on conflict do nothing; end;

drop trigger tool_calls_search_au;
CREATE TRIGGER tool_calls_search_au after update of tool_name, summary, error, turn_id, session_id,
started_at on tool_calls begin insert into search_queue values ('tool_calls', new.id) on conflict do nothing; end;

drop trigger commits_search_ai;
CREATE TRIGGER commits_search_ai after insert on commits begin insert into search_queue values ('commits', new.id) on conflict do nothing; end;

drop trigger commits_search_ad;
CREATE TRIGGER commits_search_ad after delete on commits begin insert into search_queue values ('commits', old.id) on conflict do nothing; end;

drop trigger commits_search_au;
CREATE TRIGGER commits_search_au after update of subject, message, session_id, project_id,
committed_at on commits begin insert into search_queue values ('commits', new.id) on conflict do nothing; end;
