## Digests (account page and the digest mail).

digest-title = Mail per offer
digest-help = For each offer, receive its request and evolution mail one by one, or gathered in a daily digest (every morning) or a weekly one (on Mondays). Nothing is sent when nothing happened.
digest-single = Each mail at once
digest-daily = Daily digest
digest-weekly = Weekly digest
digest-subject-daily = Your daily digest: { $count } events
digest-subject-weekly = Your weekly digest: { $count } events
digest-intro-daily = Hello,

    Here is what happened since yesterday on the offers you follow by digest:
digest-intro-weekly = Hello,

    Here is what happened this past week on the offers you follow by digest:
