# Reasons shared by every service: the rules of fields, pages and revisions.
field-required = is required
field-too-long = must be at most { $max } characters
field-page-range = must be 1 to { $max }
field-per-page-range = must be 1 to { $max }
field-unknown = does not exist or is not yours to reach
refused-stale = This was changed by someone else since you read it; reload and try again.
refused-csrf-token = The form's security token is missing or out of date: reload the page and try again.
refused-cross-site = Request refused: it comes from another site.
refused-idempotency-running = A request with this Idempotency-Key is still being processed; retry once it has answered.
field-idempotency-key = must be 1 to 200 visible ASCII characters
status-provider-only = Only the offer's provider (its agents, its coordinators) changes its status.
status-unknown = is not a known service status
major-not-open-incident = Only an open incident without a parent can be declared major.
major-already = This incident is already declared major.
major-ended = This major incident has ended.
maintenance-in-future = must be in the future
maintenance-ends-after-start = must be after the start
