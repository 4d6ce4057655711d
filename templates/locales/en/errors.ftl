# Reasons shared by every service: the rules of fields, pages and revisions.
field-required = is required
field-too-long = must be at most { $max } characters
field-page-from-one = starts at 1
field-per-page-range = must be 1 to { $max }
field-unknown = does not exist or is not yours to reach
refused-stale = This was changed by someone else since you read it; reload and try again.
status-provider-only = Only the offer's provider (its agents, its coordinators) changes its status.
status-unknown = is not a known service status
major-not-open-incident = Only an open incident without a parent can be declared major.
major-already = This incident is already declared major.
major-ended = This major incident has ended.
maintenance-in-future = must be in the future
maintenance-ends-after-start = must be after the start
