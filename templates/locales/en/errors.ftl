# Reasons shared by every service: the rules of fields, pages and revisions.
field-required = is required
field-too-long = must be at most { $max } characters
field-page-from-one = starts at 1
field-per-page-range = must be 1 to { $max }
field-unknown = does not exist or is not yours to reach
refused-stale = This was changed by someone else since you read it; reload and try again.
field-url-invalid = must be a full web address, starting with https://
field-whole-number = must be a whole number, for example 90
