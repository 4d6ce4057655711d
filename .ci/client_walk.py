"""A client generated from /api/v1/openapi.json by openapi-python-client walks the API through
its generated functions and types: a contact files a ticket and comments, an agent takes and
resolves it, the contact closes it; the agent writes an FAQ; a contact files an evolution
request and another supports it. Any answer but the expected one stops the walk.

Usage: python3 .ci/client_walk.py BASE_URL WORK_DIR (openapi-python-client on PATH)."""

import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

base, work = sys.argv[1], Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)
(work / "openapi.json").write_bytes(urllib.request.urlopen(f"{base}/api/v1/openapi.json").read())
subprocess.run(
    ["openapi-python-client", "generate", "--path", str(work / "openapi.json"),
     "--output-path", str(work / "guichet_client"), "--meta", "none", "--overwrite"],
    check=True, capture_output=True)
sys.path.insert(0, str(work))


def mod(name):
    return importlib.import_module(f"guichet_client.{name}")


client_mod, models = mod("client"), mod("models")


def ok(response, status, what):
    if response.status_code != status or response.parsed is None:
        sys.exit(f"client walk: {what}: {response.status_code} {response.content[:500]!r}")
    print(f"client walk: {what}: {response.status_code}")
    return response.parsed


def signed_in(email):
    anonymous = client_mod.Client(base_url=base, raise_on_unexpected_status=False)
    login = mod("api.auth.auth_login").sync_detailed(
        client=anonymous, body=models.Login(email=email, password="demo"))
    token = ok(login, 200, f"sign-in of {email}").token
    return client_mod.AuthenticatedClient(base_url=base, token=token,
                                          raise_on_unexpected_status=False)


contact = signed_in("contact@univ-toulon.demo.guichet")
colleague = signed_in("contact@univ-larochelle.demo.guichet")
agents = {"GEFORP": signed_in("agent.geforp@demo.guichet"),
          "SMS-U": signed_in("agent.smsu@demo.guichet")}

# A service request on an offer the contact's organisation may file for.
offers = ok(mod("api.catalogue.catalogue_list").sync_detailed(client=contact), 200, "offers")
choice = None
for offer in offers.items:
    for sub in offer.subcategories:
        if offer.code in agents and sub.kind == models.RequestKind.REQUEST:
            filing = mod("api.catalogue.catalogue_filing_check").sync_detailed(sub.id, client=contact)
            if filing.status_code == 200 and filing.parsed.allowed:
                choice = (offer, sub)
if choice is None:
    sys.exit("client walk: no subcategory the contact may file on")
offer, sub = choice
agent = agents[offer.code]

tickets = mod("api.tickets.tickets_create")
ticket = ok(tickets.sync_detailed(client=contact, body=models.NewTicket(
    subcategory=sub.id, title="Client walk", description="Filed by a generated client.",
    impact=models.Impact.PERSON, urgency=models.Urgency.LOW,
    visibility=models.TicketVisibility.ORGANISATION)), 201, f"file {sub.name}")
ok(mod("api.tickets.tickets_add_log").sync_detailed(
    ticket.ref, client=contact, body=models.NewLogEntry(body="More details.")), 201, "comment")

me = ok(mod("api.auth.auth_me").sync_detailed(client=agent), 200, "the agent")
act = mod("api.tickets.tickets_act").sync_detailed
ticket = ok(act(ticket.ref, "assign", client=agent, body=models.ActionInput(
    team=me.teams[0].id, agent=me.id, revision=ticket.revision)), 200, "assign")
assert ticket.status == models.TicketStatus.ASSIGNED, ticket.status
ticket = ok(act(ticket.ref, "resolve", client=agent, body=models.ActionInput(
    solution="Done.", revision=ticket.revision)), 200, "resolve")
ticket = ok(act(ticket.ref, "close", client=contact, body=models.ActionInput(
    satisfaction=1, revision=ticket.revision)), 200, "close")
assert ticket.status == models.TicketStatus.CLOSED, ticket.status

faq = ok(mod("api.faqs.faqs_create").sync_detailed(client=agent, body=models.NewFaq(
    title="How to walk", summary="A generated client walks.", body="It **walks**.",
    offer=offer.code, visibility=models.FaqVisibility.EVERYONE,
    status=models.FaqStatus.PUBLISHED)), 201, "FAQ")
assert faq.visibility == models.FaqVisibility.EVERYONE, faq.visibility

evolution = ok(mod("api.evolutions.evolutions_create").sync_detailed(
    client=contact, body=models.NewEvolution(
        offer=offer.code, title="Walk faster", description="Please.")), 201, "evolution request")
ok(mod("api.evolutions.evolutions_give_support").sync_detailed(
    evolution.ref, client=colleague), 200, "support")
print(json.dumps({"client_walk": "ok", "ticket": ticket.ref, "faq": faq.id,
                  "evolution": evolution.ref}))
