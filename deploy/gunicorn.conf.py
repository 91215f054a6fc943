"""gunicorn settings for the skill service: `gunicorn -c deploy/gunicorn.conf.py 'skill:create_app()'`.

Everything an operator may change comes from the environment (see deploy/env.example), so
the container, the systemd unit and a developer's shell share this one file.
"""

import os

# Loopback by default: the TLS reverse proxy (Caddy) is the only thing that should reach us.
# The container sets BIND=0.0.0.0:8000 because there the proxy is another container.
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"

# Each request is short and CPU-light (verify a signature, run a handler, touch SQLite),
# so a couple of sync workers serve a household skill comfortably.
workers = int(os.environ.get("WEB_CONCURRENCY") or "2")

# Alexa abandons a request after about 8 s (ENDPOINT_TIMEOUT), so an answer later than that
# is wasted. The slowest legitimate path is the first request after start-up: the signing
# certificate chain download, itself capped at 3 s, plus well under a second of work.
# 7 s leaves that path room and still recycles a wedged worker before Alexa's deadline.
timeout = 7
# On SIGTERM, let in-flight requests finish; 8 s fits inside Docker's default 10 s stop grace.
graceful_timeout = 8

# Trust X-Forwarded-* only from the proxy on this host; a container deployment whose proxy
# lives elsewhere sets FORWARDED_ALLOW_IPS to that proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# Access log on stdout for journald / docker logs. Deliberately without client address,
# query string, referer and user agent: none helps operate the skill and the address can be
# personal data. The body (with the Alexa user id) is never logged by gunicorn.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()

# The worker heartbeat file on a disk-backed overlay can stall a worker long enough to be
# killed; /dev/shm is memory-backed where it exists (Docker, systemd hosts).
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"

# /metrics under several workers: prometheus_client's multiprocess mode keeps each worker's
# values in files in PROMETHEUS_MULTIPROC_DIR. The master sets it (a fresh temporary directory
# unless the operator chose one) and empties it before forking, so counters start at zero
# with the service; workers inherit it and import prometheus_client only after the fork.
_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server):
    import glob
    import tempfile

    path = os.environ.get(_METRICS_DIR)
    if not path:
        path = os.environ[_METRICS_DIR] = tempfile.mkdtemp(prefix="skill-metrics-")
    os.makedirs(path, exist_ok=True)
    for stale in glob.glob(os.path.join(path, "*.db")):
        os.remove(stale)


def child_exit(server, worker):
    # A dead worker's live-only values (gauges) go; its counters stay in the totals.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # The app a worker has just built (content for five locales, compiled plans, the SDK's
    # models: ~50,000 objects) lives as long as the worker. Left in the collector's oldest
    # generation, every full collection walks all of it: ~30 ms here, a stall in the middle
    # of some request. gc.freeze() moves it to the permanent generation, which collections
    # skip; what requests allocate afterwards is collected as before.
    # https://docs.python.org/3/library/gc.html#gc.freeze
    import gc

    gc.collect()
    gc.freeze()
