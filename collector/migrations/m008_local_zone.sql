-- The zone the rollups were computed in (see collector/schema/rollup_defs.py): a new zone
-- moves every day boundary, so the rollups are recomputed when it changes.
create table local_zone (id integer primary key check (id = 1), signature text not null);
