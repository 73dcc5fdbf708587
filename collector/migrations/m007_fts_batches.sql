-- Messages reach the full-text index once per transaction, not once per row.
--
-- An FTS5 table written inside a transaction flushes its pending terms into a
-- new segment at every statement savepoint that follows, and every insert
-- into a table with triggers opens one. Fed row by row, each message became a
-- segment of its own and the next tool call paid for writing and merging it
-- (a tenth of the drain). Now an insert only queues the message id in
-- ``fts_pending``; :func:`collector.store.index_messages` moves the queue into
-- ``messages_fts`` with one ``INSERT ... SELECT`` before each writer commits.
--
-- A queued message is not in the index yet: deleting or rewriting it only
-- touches the queue (an FTS5 ``delete`` of a row it never saw would corrupt it).

create table fts_pending (id integer primary key);  -- messages not yet in messages_fts

drop trigger messages_ai;
create trigger messages_ai after insert on messages begin
    insert into fts_pending (id) values (new.id) on conflict do nothing;
end;

drop trigger messages_ad;
create trigger messages_ad after delete on messages begin
    insert into messages_fts(messages_fts, rowid, content)
        select 'delete', old.id, old.content where not exists (select 1 from fts_pending where id = old.id);
    delete from fts_pending where id = old.id;
end;

drop trigger messages_au;
create trigger messages_au after update of content on messages
when not exists (select 1 from fts_pending where id = old.id) begin
    insert into messages_fts(messages_fts, rowid, content) values ('delete', old.id, old.content);
    insert into messages_fts(rowid, content) values (new.id, new.content);
end;
