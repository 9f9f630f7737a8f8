# gunicorn for the garage tiers: the port the Service targets, workers sized for the pod's CPU
# limit (200m–1 CPU), logs on stdout/stderr, temp files in the /tmp emptyDir.
bind = "0.0.0.0:8000"
workers = 2
threads = 2
timeout = 30
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
worker_tmp_dir = "/tmp"
# Traefik terminates TLS and sets X-Forwarded-*; the pod network is the only way in.
forwarded_allow_ips = "*"
