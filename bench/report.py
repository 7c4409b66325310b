"""The ratios of issue 13, from bench/pipeline.py's results (ours / the reference of the same run)."""

from __future__ import annotations


def _ratio(ours, reference) -> float | None:
    if not ours or not reference:
        return None
    return round(ours / reference, 3)


def ratios(r: dict) -> dict:
    out: dict = {}
    h16, h100 = r.get("healthz_c16") or {}, r.get("healthz_c100") or {}
    pg = (r.get("pgbench_insert") or {}).get("tps")
    if w := r.get("webhooks"):
        ack = w["acknowledged"]
        out["webhooks acknowledged/s vs /healthz (goal >= 0.5)"] = [
            ack["per_second"],
            h16.get("per_second"),
            _ratio(ack["per_second"], h16.get("per_second")),
        ]
        out["webhooks p99 ack ms (goal <= 100)"] = ack["p99_ms"]
        out["webhooks processed/s vs pgbench INSERT TPS (goal >= 0.1)"] = [
            w["processed_per_second"],
            pg,
            _ratio(w["processed_per_second"], pg),
        ]
        out["new PostgreSQL sessions per event (goal ~0)"] = w["new_pg_sessions_per_event"]
        out["follow-on drained after (s)"] = w["follow_on_drained_seconds"]
        cpu = w["cpu_ms_per_event"]
        ours = sum(cpu.get(k, 0) for k in ("web", "worker0", "worker1", "relay", "postgres"))
        money = sum(cpu.get(k, 0) for k in ("web", "worker0", "relay", "postgres"))
        # CPU time per event holds under contention where rates do not: a 2-core node fully busy
        # with this work records 2000 / ours events per second.
        out["CPU ms per event: web + workers + PostgreSQL (emulator, load generator apart)"] = round(ours, 1)
        out["events/s per 2-core node, from CPU per event"] = round(2000 / ours, 1) if ours else None
        # worker0 serves webhooks + money; worker1 the follow-on messages (receipts, notifications).
        out["CPU ms per event without the follow-on messages (web + webhooks worker + PostgreSQL)"] = round(
            money, 1
        )
    if w := r.get("webhooks_held"):  # the relay held back until every event was acknowledged
        ack = w["acknowledged"]
        out["webhooks acknowledged/s, processing held, vs /healthz (goal >= 0.5)"] = [
            ack["per_second"],
            h16.get("per_second"),
            _ratio(ack["per_second"], h16.get("per_second")),
        ]
        out["webhooks p99 ack ms, processing held (goal <= 100)"] = ack["p99_ms"]
        out["webhooks processed/s, processing held, vs pgbench INSERT TPS"] = [
            w["processed_per_second"],
            pg,
            _ratio(w["processed_per_second"], pg),
        ]
    if m := r.get("mixed"):
        out["mixed: posted / distinct / stored / payments / duplicates / final == in-order"] = [
            m["posted"],
            m["distinct_events"],
            m["stored_events"],
            m["payments"],
            m["duplicate_payments"],
            m["final_state_equals_in_order"],
        ]
    if p := r.get("paypage"):
        for visit in ("first_visit", "repeat_visit"):
            v = p[visit]
            out[f"pay page {visit} req/s vs /healthz c100 (goal >= 0.5)"] = [
                v["per_second"],
                h100.get("per_second"),
                _ratio(v["per_second"], h100.get("per_second")),
            ]
            out[f"pay page {visit} p99 vs /healthz p99 (goal <= 3)"] = [
                v["p99_ms"],
                h100.get("p99_ms"),
                _ratio(v["p99_ms"], h100.get("p99_ms")),
            ]
        out["pay page with assets KB (goal <= 60)"] = round(p["page_with_assets_bytes"] / 1024, 1)
    if s := r.get("sweep"):
        out["sweep expired/s vs single UPDATE with history (goal >= 0.2)"] = [
            s["per_second"],
            s["reference_per_second"],
            _ratio(s["per_second"], s["reference_per_second"]),
        ]
        out["sweep: unrelated update max wait ms (goal <= 50)"] = s["concurrent_unrelated_update"]["max_ms"]
    return out
