-- Hub schema 1 on PostgreSQL, as checkin c5c77b6 created it (metadata.create_all), for the migration tests.

CREATE TABLE hub_aggregate (
	name TEXT NOT NULL, 
	count BIGINT NOT NULL, 
	PRIMARY KEY (name)
);

CREATE TABLE hub_attendee (
	uid TEXT NOT NULL, 
	source TEXT DEFAULT '' NOT NULL, 
	registration TEXT DEFAULT '' NOT NULL, 
	code TEXT DEFAULT '' NOT NULL, 
	status TEXT DEFAULT '' NOT NULL, 
	registered_at TEXT DEFAULT '' NOT NULL, 
	title TEXT DEFAULT '' NOT NULL, 
	first_name TEXT DEFAULT '' NOT NULL, 
	last_name TEXT DEFAULT '' NOT NULL, 
	first_name_raw TEXT DEFAULT '' NOT NULL, 
	last_name_raw TEXT DEFAULT '' NOT NULL, 
	native_name TEXT DEFAULT '' NOT NULL, 
	function TEXT DEFAULT '' NOT NULL, 
	organisation TEXT DEFAULT '' NOT NULL, 
	organisation_type TEXT DEFAULT '' NOT NULL, 
	country TEXT DEFAULT '' NOT NULL, 
	category TEXT DEFAULT '' NOT NULL, 
	delegation TEXT DEFAULT '' NOT NULL, 
	email TEXT DEFAULT '' NOT NULL, 
	phone TEXT DEFAULT '' NOT NULL, 
	days TEXT DEFAULT '' NOT NULL, 
	workshops TEXT DEFAULT '' NOT NULL, 
	regional_meeting TEXT DEFAULT '' NOT NULL, 
	language TEXT DEFAULT '' NOT NULL, 
	person_key TEXT DEFAULT '' NOT NULL, 
	live_uid TEXT DEFAULT '' NOT NULL, 
	row_hash TEXT DEFAULT '' NOT NULL, 
	raw TEXT DEFAULT '' NOT NULL, 
	search_names TEXT DEFAULT '' NOT NULL, 
	search_org TEXT DEFAULT '' NOT NULL, 
	search_email TEXT DEFAULT '' NOT NULL, 
	imported TEXT DEFAULT '' NOT NULL, 
	field_hlc TEXT DEFAULT '' NOT NULL, 
	field_src TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (uid)
);

CREATE INDEX hub_attendee_hseq ON hub_attendee (hseq);

CREATE TABLE hub_conflict (
	id TEXT NOT NULL, 
	kind TEXT DEFAULT '' NOT NULL, 
	attendee_uid TEXT DEFAULT '' NOT NULL, 
	data TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX hub_conflict_hseq ON hub_conflict (hseq);

CREATE TABLE hub_counter (
	name TEXT NOT NULL, 
	value BIGINT NOT NULL, 
	PRIMARY KEY (name)
);

CREATE TABLE hub_fact (
	id TEXT NOT NULL, 
	kind TEXT DEFAULT '' NOT NULL, 
	attendee_uid TEXT DEFAULT '' NOT NULL, 
	code TEXT DEFAULT '' NOT NULL, 
	day TEXT DEFAULT '' NOT NULL, 
	desk TEXT DEFAULT '' NOT NULL, 
	desk_id TEXT DEFAULT '' NOT NULL, 
	role TEXT DEFAULT '' NOT NULL, 
	at TEXT DEFAULT '' NOT NULL, 
	hlc TEXT DEFAULT '' NOT NULL, 
	ref TEXT DEFAULT '' NOT NULL, 
	field TEXT DEFAULT '' NOT NULL, 
	value TEXT DEFAULT '' NOT NULL, 
	reason TEXT DEFAULT '' NOT NULL, 
	data TEXT DEFAULT '' NOT NULL, 
	hub_hlc TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX hub_fact_attendee ON hub_fact (attendee_uid, kind);

CREATE INDEX hub_fact_hseq ON hub_fact (hseq);

CREATE TABLE hub_meeting (
	day TEXT NOT NULL, 
	slot TEXT NOT NULL, 
	table_name TEXT NOT NULL, 
	code_a TEXT DEFAULT '' NOT NULL, 
	code_b TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (day, slot, table_name)
);

CREATE TABLE hub_meta (
	key TEXT NOT NULL, 
	value TEXT DEFAULT '' NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE hub_sensitive (
	uid TEXT NOT NULL, 
	dietary TEXT DEFAULT '' NOT NULL, 
	accessibility TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (uid)
);

CREATE INDEX hub_sensitive_hseq ON hub_sensitive (hseq);

CREATE TABLE hub_session (
	code TEXT NOT NULL, 
	title TEXT DEFAULT '' NOT NULL, 
	kind TEXT DEFAULT '' NOT NULL, 
	day TEXT DEFAULT '' NOT NULL, 
	start TEXT DEFAULT '' NOT NULL, 
	"end" TEXT DEFAULT '' NOT NULL, 
	room TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (code)
);

CREATE TABLE hub_ticket_code (
	code TEXT NOT NULL, 
	uid TEXT DEFAULT '' NOT NULL, 
	hseq BIGINT NOT NULL, 
	PRIMARY KEY (code)
);

CREATE INDEX hub_ticket_code_hseq ON hub_ticket_code (hseq);
