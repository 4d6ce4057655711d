# Reasons shared by every service: the rules of fields, pages and revisions.
field-required = is required
field-too-long = must be at most { $max } characters
field-page-range = must be 1 to { $max }
field-per-page-range = must be 1 to { $max }
field-unknown = does not exist or is not yours to reach
refused-stale = This was changed by someone else since you read it; reload and try again.
