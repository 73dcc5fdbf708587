-- Sessions the user forgot: an import must not bring them back from old transcripts.
create table forgotten_sessions (session_uuid text primary key, forgotten_at text not null);
