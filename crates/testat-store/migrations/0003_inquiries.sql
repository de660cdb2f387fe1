-- Schema 3: the register of investigation requests from government agencies (C5 INQ).
-- Append-only: a request is one row of `inquiries`, written once; every later step
-- (state transitions, notification decisions, corrections) is a row of `inquiry_events`.
-- The current state is the `to_state` of the request's last transition event.
-- Lists (data categories, customers, handlers) are JSON arrays of strings in TEXT.

CREATE TABLE inquiries (
    id BIGINT PRIMARY KEY,
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    authority TEXT NOT NULL,
    country TEXT NOT NULL,
    outside_eea BIGINT NOT NULL,
    legal_basis TEXT NOT NULL,
    kind TEXT NOT NULL,
    data_categories TEXT NOT NULL,
    customers TEXT NOT NULL,
    deadline TEXT,
    handlers TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL
);

CREATE TABLE inquiry_events (
    id BIGINT PRIMARY KEY,
    inquiry_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    note TEXT,
    notified_on TEXT,
    notified_how TEXT,
    bar_reason TEXT,
    bar_review TEXT,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX inquiry_events_inquiry ON inquiry_events (inquiry_id, id);
CREATE INDEX inquiries_received ON inquiries (received_on);
