-- Background scans (staff deadline alerts, hall statistics) read open cases and today's
-- conclusions only; this partial index keeps that O(open cases), not O(all cases).
CREATE INDEX cases_open ON cases (key) WHERE stage NOT IN ('concluded', 'rejected', 'withdrawn');
