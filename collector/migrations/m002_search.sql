-- Search index: one document per searchable thing, two FTS5 indexes, vectors.
--
-- ``search_docs`` holds prompts, replies, thinking, tool calls (command and
-- error) and commits (subject and message) as plain text with the metadata
-- filters need. It is filled by ``collector.search.index_pending`` from
-- ``search_queue``, which small triggers on the source tables feed: the drain
-- only pays for one tiny insert per row, never for FTS or vectors.
--
-- ``search_docs_fts`` (porter) ranks words with BM25; ``search_docs_trigram``
-- finds code identifiers, partial words and scripts without spaces.
-- ``search_vectors`` keeps one float16 wordllama vector per document, tagged
-- with the content hash it was computed from; ``search_vector_log`` lets the
-- in-memory vector matrix catch up with changes without reloading everything.
-- Everything here is readable by SQLite 3.40 (trigram needs 3.34).

create table search_vector_log (
    seq integer primary key,
    doc_id integer not null
);

create table search_vectors (
    doc_id integer primary key,
    content_hash text not null,
    vector blob not null         -- float16, little-endian, VECTOR_DIMS values
);
create trigger search_vectors_ai after insert on search_vectors begin
    insert into search_vector_log(doc_id) values (new.doc_id);
end;
create trigger search_vectors_au after update on search_vectors begin
    insert into search_vector_log(doc_id) values (new.doc_id);
end;

create table search_docs (
    id integer primary key,
    kind text not null,          -- prompt, reply, thinking, tool, commit
    ref_table text not null,     -- messages, tool_calls, commits
    ref_id integer not null,
    session_id integer,
    project_id integer,
    turn_id integer,
    at text,
    model text,
    text text not null,
    content_hash text not null,
    embedded_hash text,          -- content_hash the stored vector was made from
    unique (ref_table, ref_id)
);
create index search_docs_session on search_docs(session_id, at);
create index search_docs_at on search_docs(at);
create index search_docs_project on search_docs(project_id, at);
-- Covers what the in-memory vector matrix needs, so loading it never reads the text.
create index search_docs_meta on search_docs(id, kind, project_id, session_id, at, model);
-- Documents still waiting for a vector: small, so the indexer finds them at once.
create index search_docs_unembedded on search_docs(id) where embedded_hash is not content_hash;

create virtual table search_docs_fts using fts5(
    text, content="search_docs", content_rowid="id", tokenize="porter unicode61"
);
create virtual table search_docs_trigram using fts5(
    text, content="search_docs", content_rowid="id", tokenize="trigram"
);
create trigger search_docs_ai after insert on search_docs begin
    insert into search_docs_fts(rowid, text) values (new.id, new.text);
    insert into search_docs_trigram(rowid, text) values (new.id, new.text);
end;
create trigger search_docs_ad after delete on search_docs begin
    insert into search_docs_fts(search_docs_fts, rowid, text) values ('delete', old.id, old.text);
    insert into search_docs_trigram(search_docs_trigram, rowid, text) values ('delete', old.id, old.text);
    delete from search_vectors where doc_id = old.id;
    insert into search_vector_log(doc_id) values (old.id);
end;
create trigger search_docs_au after update of text on search_docs begin
    insert into search_docs_fts(search_docs_fts, rowid, text) values ('delete', old.id, old.text);
    insert into search_docs_trigram(search_docs_trigram, rowid, text) values ('delete', old.id, old.text);
    insert into search_docs_fts(rowid, text) values (new.id, new.text);
    insert into search_docs_trigram(rowid, text) values (new.id, new.text);
end;
-- Filters on vectors are applied in memory: metadata changes must reach the matrix.
create trigger search_docs_meta_au after update of kind, session_id, project_id, at, model
on search_docs begin
    insert into search_vector_log(doc_id) values (new.id);
end;

create table search_queue (
    ref_table text not null,
    ref_id integer not null,
    primary key (ref_table, ref_id)
) without rowid;

create trigger messages_search_ai after insert on messages begin
    insert or ignore into search_queue values ('messages', new.id);
end;
create trigger messages_search_au after update of content, kind, model, turn_id, session_id, created_at
on messages begin
    insert or ignore into search_queue values ('messages', new.id);
end;
create trigger messages_search_ad after delete on messages begin
    insert or ignore into search_queue values ('messages', old.id);
end;
create trigger tool_calls_search_ai after insert on tool_calls begin
    insert or ignore into search_queue values ('tool_calls', new.id);
end;
create trigger tool_calls_search_au after update of tool_name, summary, error, turn_id, session_id,
started_at on tool_calls begin
    insert or ignore into search_queue values ('tool_calls', new.id);
end;
create trigger tool_calls_search_ad after delete on tool_calls begin
    insert or ignore into search_queue values ('tool_calls', old.id);
end;
create trigger commits_search_ai after insert on commits begin
    insert or ignore into search_queue values ('commits', new.id);
end;
create trigger commits_search_au after update of subject, message, session_id, project_id,
committed_at on commits begin
    insert or ignore into search_queue values ('commits', new.id);
end;
create trigger commits_search_ad after delete on commits begin
    insert or ignore into search_queue values ('commits', old.id);
end;

-- Rows that existed before this migration are indexed like new ones.
insert or ignore into search_queue select 'messages', id from messages;
insert or ignore into search_queue select 'tool_calls', id from tool_calls;
insert or ignore into search_queue select 'commits', id from commits;
