# Lists of organisations, accounts and SLAs: filters, columns and exports.
directory-yes = Yes
directory-no = No
directory-language = Language
directory-role = Role
directory-sla-name = Name
directory-sla-pause = Paused during maintenance
directory-filter-kind = must be client or provider
directory-filter-role = is not a known role
