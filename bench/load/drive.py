"""Drives Guichet and the baseline app with wrk in interleaved rounds (called by run.sh).

For each request of the benchmark, every round runs wrk against Guichet and then against the
baseline's closest equivalent, reading each server's CPU time from /proc/<pid>/stat around the
run; it prints the medians over the rounds and writes them, with every round, as JSON.
"""
import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")
NEW_TICKET = {
    "subcategory": 5,
    "title": "Envoi groupé impossible",
    "description": "Le bouton **Envoyer** reste grisé pour la liste L3 Droit.",
    "impact": "service",
    "urgency": "medium",
    "visibility": "organisation",
    "affected_version": "5.1",
}


def sign_in(base, email):
    """A session cookie for `email` (demo password), through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_csrf": csrf, "email": email, "password": "demo"}).encode()
    req = urllib.request.Request(base + "/login", data=form, headers={"Origin": base})
    opener.open(req).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def hwm_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def millis(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url, headers, body, connections, seconds, scripts):
    # wrk wants at least one connection per thread: one client runs on one thread.
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    env = dict(os.environ)
    if body is not None:
        cmd += ["-s", os.path.join(scripts, "post.lua")]
        env["WRK_BODY"] = json.dumps(body)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, env=env).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": millis(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99_ms": millis(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": 0,
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["errors"] = (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return result


def statements(cases, base, log, database, out):
    """Statements each request issues, one request at a time: PostgreSQL logs every statement
    (`log_statement = all`, for the time of this count) and the lines of `database` are counted."""
    def psql(sql):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qAtc", sql], check=True,
                       capture_output=True)
    psql("ALTER SYSTEM SET log_statement = 'all'")
    psql("SELECT pg_reload_conf()")
    time.sleep(0.5)
    counts, dump = {}, []
    try:
        for name, (path, headers, body), _, _ in cases:
            # The fewest of three: the job runner's polls, which share the database, fall into
            # some of the windows.
            best = None
            for _ in range(3):
                start = os.path.getsize(log)
                call(base, name, path, headers, body)
                time.sleep(0.15)
                with open(log, "rb") as f:
                    f.seek(start)
                    lines = f.read().decode(errors="replace").splitlines()
                mine = [l for l in lines if f"@{database} LOG:  " in l
                        and re.search(r"LOG:  (statement|execute [^:]*):", l)]
                if best is None or len(mine) < len(best):
                    best = mine
            dump.append(f"== {name}: {len(best)} statements")
            dump.extend(l.split("LOG:  ", 1)[1] for l in best)
            counts[name] = {
                "statements": len(best),
                "selects": sum(1 for l in best if re.search(r":\s+SELECT\b", l, re.I)),
            }
    finally:
        psql("ALTER SYSTEM RESET log_statement")
        psql("SELECT pg_reload_conf()")
    with open(out + ".statements.txt", "w") as f:
        f.write("\n".join(dump) + "\n")
    print("\n== statements per request (PostgreSQL log, one request at a time; "
          f"each statement in {out}.statements.txt)")
    for name, c in counts.items():
        print(f"{name:16} {c['statements']:4} statements, {c['selects']:3} of them SELECT")
    return counts


def call(base, name, path, headers, body):
    """One request of a case; asserts it succeeded."""
    req = urllib.request.Request(base + path, headers=dict(h.split(": ", 1) for h in headers),
                                 data=json.dumps(body).encode() if body is not None else None,
                                 method="POST" if body is not None else "GET")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    answer = urllib.request.urlopen(req)
    assert answer.status < 300, f"{name}: {answer.status}"
    # A list that answers nothing is fast for the wrong reason.
    if answer.headers.get("Content-Type", "").startswith("application/json"):
        items = json.loads(answer.read()).get("items")
        assert items is None or len(items) > 0, f"{name}: an empty list"


def measure(pid, url, headers, body, connections, seconds, scripts):
    before = cpu_ticks(pid)
    result = wrk(url, headers, body, connections, seconds, scripts)
    used = (cpu_ticks(pid) - before) / TICK
    result["cpu_ms_per_request"] = round(used * 1000 / max(result["requests"], 1), 3)
    return result


def main():
    p = argparse.ArgumentParser()
    for name in ("guichet", "baseline", "token", "agent_token", "db", "scripts"):
        p.add_argument("--" + name.replace("_", "-"), required=True)
    p.add_argument("--guichet-pid", type=int, required=True)
    p.add_argument("--baseline-pid", type=int, required=True)
    p.add_argument("--tickets", type=int, required=True)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", default="")
    p.add_argument("--json", default="")
    p.add_argument("--pg-log", default="", help="PostgreSQL's log file: count statements per request")
    p.add_argument("--pg-database", default="")
    a = p.parse_args()
    g, b = a.guichet, a.baseline
    contact = sign_in(g, "contact@univ-toulon.demo.guichet")
    agent = sign_in(g, "agent.geforp@demo.guichet")
    bearer = [f"Authorization: Bearer {a.token}"]
    agent_bearer = [f"Authorization: Bearer {a.agent_token}"]
    # (name, Guichet's request, the baseline's, connections): request = (path, headers, body)
    cases = [
        ("create", ("/api/v1/tickets", bearer, NEW_TICKET), ("/create", [], {}), a.connections),
        ("contact_list", ("/api/v1/tickets", bearer, None), ("/list", [], None), a.connections),
        ("agent_open_list", ("/api/v1/tickets?status=open", agent_bearer, None), ("/open", [], None), a.connections),
        ("search", ("/api/v1/search?q=envoi", bearer, None), ("/list", [], None), a.connections),
        ("portal_home", ("/portal", [f"Cookie: {contact}"], None), ("/list", [], None), a.connections),
        ("ticket_page", ("/portal/tickets/P-0000010", [f"Cookie: {contact}"], None), ("/ticket/1000", [], None), a.connections),
        ("dashboard", ("/desk", [f"Cookie: {agent}"], None), ("/open", [], None), a.connections),
        ("healthz", ("/healthz", [], None), ("/healthz", [], None), max(64, a.connections)),
    ]
    if a.only:
        keep = a.only.split(",")
        cases = [c for c in cases if c[0] in keep]
    for name, (path, headers, body), _, _ in cases:
        call(g, name, path, headers, body)
    out = a.json or f"load-{a.db}-{a.tickets}.json"
    counted = statements(cases, g, a.pg_log, a.pg_database, out) if a.pg_log else {}
    load_before = os.getloadavg()
    rounds = []
    for r in range(a.rounds):
        for name, (gp, gh, gb), (bp, bh, bb), conns in cases:
            for side, pid, url, headers, body in (("guichet", a.guichet_pid, g + gp, gh, gb),
                                                 ("baseline", a.baseline_pid, b + bp, bh, bb)):
                m = measure(pid, url, headers, body, conns, a.seconds, a.scripts)
                m.update(round=r + 1, case=name, side=side, connections=conns,
                         load=round(os.getloadavg()[0], 2))
                rounds.append(m)
                print(f"  round {r + 1} {name:16} {side:8} {m['rps']:9.1f} req/s p50 {m['p50_ms']:8.2f} ms "
                      f"p99 {m['p99_ms']:8.2f} ms cpu {m['cpu_ms_per_request']:7.3f} ms/req "
                      f"errors {m['errors']} load {m['load']}", flush=True)
    load_after = os.getloadavg()
    summary = []
    print(f"\n== {a.db}, {a.tickets} tickets, {a.rounds} rounds of {a.seconds} s, medians; "
          f"load average {load_before[0]:.2f} → {load_after[0]:.2f}")
    print(f"{'request':16} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/req':>10} "
          f"{'base req/s':>10} {'base p50':>8} {'base cpu':>8} {'ratio':>6} {'errors':>6}")
    for name, _, _, conns in cases:
        row = {"case": name, "connections": conns}
        for side in ("guichet", "baseline"):
            ms = [m for m in rounds if m["case"] == name and m["side"] == side]
            row[side] = {k: round(statistics.median(m[k] for m in ms), 3)
                         for k in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request")}
            row[side]["errors"] = sum(m["errors"] for m in ms)
        row["ratio"] = round(row["guichet"]["rps"] / max(row["baseline"]["rps"], 0.001), 4)
        summary.append(row)
        gq, bq = row["guichet"], row["baseline"]
        print(f"{name:16} {conns:5} {gq['rps']:9.1f} {gq['p50_ms']:8.2f} {gq['p99_ms']:8.2f} "
              f"{gq['cpu_ms_per_request']:10.3f} {bq['rps']:10.1f} {bq['p50_ms']:8.2f} "
              f"{bq['cpu_ms_per_request']:8.3f} {row['ratio'] * 100:5.1f}% {gq['errors']:6}")
    rss = {"guichet_kb": hwm_kb(a.guichet_pid), "baseline_kb": hwm_kb(a.baseline_pid)}
    print(f"peak RSS (VmHWM): guichet {rss['guichet_kb'] / 1024:.1f} MB, "
          f"baseline {rss['baseline_kb'] / 1024:.1f} MB")
    with open(out, "w") as f:
        json.dump({"db": a.db, "tickets": a.tickets, "seconds": a.seconds, "rounds": a.rounds,
                   "load_average": {"before": load_before, "after": load_after},
                   "peak_rss": rss, "statements": counted, "summary": summary, "runs": rounds}, f, indent=1)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
