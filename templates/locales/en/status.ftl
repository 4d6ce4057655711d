## Service status, major incidents, planned maintenance

nav-status = Service status
status-title = Service status
status-none = No offer to follow.
status-feed-title = Follow in a feed reader
status-feed-intro = A personal Atom feed address gives the status changes, major incidents and maintenance of the offers you follow, for your own tools. It works as a credential: do not share it.
status-feed-link = Your feed address (shown only once)
status-feed-make = Create my feed address
status-feed-remake = Replace my feed address (the old one stops working)
status-feed-remove = Remove my feed address
status-offer = Offer
status-state = Status
status-message = Message (French)
status-message-en = Message in English (optional)
status-since = Since
status-set-title = Change the service status
status-set = Publish the status
status-history = History
status-history-none = This offer's status never changed: it is operational.
service-operational = Operational
service-degraded = Degraded
service-partial_outage = Partial outage
service-major_outage = Major outage
service-maintenance = Maintenance
major-title = Major incident
major-ongoing = Ongoing major incident
major-declared-at = Declared on { $when }
major-ended-at = ended on { $when }
major-joined-as = Your establishment is affected:
major-join = I am affected
major-declare = Declare a major incident
major-establishment = Establishment
major-child = Incident
major-joined-at = Affected since
major-status = Status
major-nobody-yet = No establishment has said it is affected yet.
major-link = Link an establishment's incident
major-link-ref = Incident reference
major-link-button = Link
maintenance-title = Schedule a maintenance
maintenance-starts = Start (Paris time)
maintenance-ends = End (Paris time)
maintenance-publish = Publish the maintenance
maintenance-scheduled = Maintenance scheduled from { $from } to { $to }
maintenance-started = Maintenance under way until { $to }
maintenance-ended = Maintenance ended ({ $from } – { $to })
maintenance-cancelled = Maintenance cancelled ({ $from } – { $to })
maintenance-manage = Edit or cancel
maintenance-edit-title = Scheduled maintenance
maintenance-edit-save = Save the changes
maintenance-edit-notice = The contacts of the subscribing establishments are told once of the change.
maintenance-cancel-title = Cancel the maintenance
maintenance-cancel-scheduled = The contacts of the subscribing establishments are told once of the cancellation; the offer will not go into maintenance.
maintenance-cancel-started = The maintenance is under way: cancelling it ends it now, the offer gets its former status back, and the contacts of the subscribing establishments are told once.
maintenance-cancel = Cancel the maintenance
major-open-title = Open a major incident
major-open-intro = Declares the master incident of the outage: the contacts of every subscribing establishment are told once and join it instead of each filing their own.
major-open-subcategory = Incident subcategory
major-open-name = Title (told to subscribers)
major-open-description = Description
major-open-requester = For the contact (e-mail address)
major-open-requester-help = An incident belongs to an establishment, under its convention: give the contact of a subscribing establishment who reported it, or leave empty to file it in your own name.
major-open-module = Module affected
major-open-affected_version = Version affected
major-open-environment = Environment affected
major-open-page_url = Address of the page affected
major-open-button = Open the major incident
availability-title = Availability per month
availability-month = Month
availability-share = Availability
availability-minutes = { $minutes } min
availability-measure = Measure
availability-real = Real time
availability-business = Business hours
availability-sla = SLA of the business hours
availability-business-window = Business hours: the coverage window of the SLA “{ $sla }”, the provider's SLA that most conventions in force on the offer hold.
report-availability-title = Offer availability per month
notification-service_status = the status of an offer of my establishment changes (outage, major incident, maintenance)
mail-service_status-subject = [{ $reference }] { $status ->
    [operational] Service restored
    [degraded] Service degraded
    [partial_outage] Partial outage
    [major_outage] Major outage
    [maintenance] Maintenance under way
    [major_incident] Major incident declared
    [maintenance_planned] Maintenance scheduled
    [maintenance_reminder] Maintenance tomorrow
    [maintenance_started] Maintenance started
    [maintenance_ended] Maintenance ended
    [maintenance_changed] Maintenance changed
    [maintenance_cancelled] Maintenance cancelled
   *[other] Service status
  }: { $title }
mail-service_status-body = { $status ->
    [major_incident] A major incident is declared on { $title } ({ $reference }). If your establishment is affected, join it in Guichet rather than filing a new incident:
    [maintenance_planned] A maintenance of { $title } ({ $reference }) is scheduled:
    [maintenance_reminder] Reminder: a maintenance of { $title } ({ $reference }) takes place tomorrow:
    [maintenance_started] The maintenance of { $title } ({ $reference }) starts:
    [maintenance_ended] The maintenance of { $title } ({ $reference }) has ended.
    [maintenance_changed] The maintenance of { $title } ({ $reference }) has changed; here is what is now planned:
    [maintenance_cancelled] The maintenance of { $title } ({ $reference }) is cancelled:
   *[other] The status of { $title } ({ $reference }) is now: { $status ->
        [operational] operational
        [degraded] degraded
        [partial_outage] partial outage
        [major_outage] major outage
        [maintenance] maintenance
       *[other] { $status }
    }.
  }
status-of-offer = Service status, availability, maintenance
