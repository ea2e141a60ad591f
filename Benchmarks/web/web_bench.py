#!/usr/bin/env python3
"""The browser through Apache against the same command through the server socket (issue 22).

Starts `casebook serve --socket S --scgi W --web-user www-data` on a COPY of a database and
Apache (mod_proxy_scgi, Basic authentication from an htpasswd file) on a free loopback port,
as ApacheTests does, then:

1. sequentially, RUNS times each: the case page (GET /cases/REF) and the task list (GET /)
   through Apache with one http.client connection per request, and the same command as a
   whole client process, `casebook --server S --json show REF` / `tasks`;
2. 20 threads ("browsers"), each making REQUESTS requests in turn (case page, task list,
   case list), on keep-alive connections: errors, and the 50th/95th/99th percentiles.

Run as root (Apache drops to www-data; serve trusts www-data's REMOTE_USER only). The
database's member whose login is LOGIN signs in through Apache as LOGIN and runs the
socket commands as the same OS login (so both sides are the same member).

    python3 Benchmarks/web/web_bench.py --casebook .build/release/casebook \
        --db /tmp/i22bench/c100k.sqlite --case CB-2026-702200 --login root --runs 30
"""
import argparse, base64, http.client, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, process=None, limit=600):
    # A readiness wait: poll until it answers (or the process died).
    for _ in range(limit * 20):
        if predicate():
            return
        if process is not None and process.poll() is not None:
            sys.exit(f"{what} stopped: {process.returncode}")
        time.sleep(0.05)
    sys.exit(f"{what} did not become ready")


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--casebook", required=True)
    parser.add_argument("--db", required=True, help="a copy: serve reads and appends read records to it")
    parser.add_argument("--case", required=True)
    parser.add_argument("--login", default="root")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--browsers", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="per browser")
    args = parser.parse_args()
    casebook = os.path.abspath(args.casebook)
    folder = tempfile.mkdtemp(prefix="casebook-webbench-")
    os.chmod(folder, 0o755)
    sock, web = folder + "/casebook.sock", folder + "/web.sock"
    port = free_port()
    password = "bench-pw"
    subprocess.run(["htpasswd", "-bc", folder + "/htpasswd", args.login, password], check=True, capture_output=True)
    serve = subprocess.Popen(
        [casebook, "--db", os.path.abspath(args.db), "serve", "--socket", sock, "--scgi", web, "--web-user", "www-data"],
        stdout=subprocess.DEVNULL, stderr=open(folder + "/serve.log", "w"))
    httpd = None
    try:
        wait_for(lambda: os.path.exists(sock) and os.path.exists(web), "casebook serve", serve)
        modules = "\n".join(
            f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{file}.so"
            for name, file in [("mpm_event", "mpm_event"), ("authz_core", "authz_core"), ("authn_core", "authn_core"),
                               ("authn_file", "authn_file"), ("auth_basic", "auth_basic"), ("authz_user", "authz_user"),
                               ("proxy", "proxy"), ("proxy_scgi", "proxy_scgi")])
        with open(folder + "/httpd.conf", "w") as f:
            f.write(f"""ServerRoot {folder}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder}/httpd.pid
DefaultRuntimeDir {folder}
ErrorLog {folder}/error.log
LogLevel warn
LimitRequestBody 0
User www-data
Group www-data
{modules}
<Location "/">
  AuthType Basic
  AuthName "Casebook"
  AuthBasicProvider file
  AuthUserFile {folder}/htpasswd
  Require valid-user
</Location>
ProxyPass "/" "unix:{web}|scgi://localhost/"
""")
        httpd = subprocess.Popen(["/usr/sbin/apache2", "-f", folder + "/httpd.conf", "-DFOREGROUND"],
                                 env={"APACHE_RUN_DIR": folder, "LANG": "C"})

        def answers():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for(answers, "apache2", httpd)
        auth = {"Authorization": "Basic " + base64.b64encode(f"{args.login}:{password}".encode()).decode()}

        def get(path, connection=None):
            own = connection is None
            connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            started = time.perf_counter()
            connection.request("GET", path, headers=auth)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if own:
                connection.close()
            return response.status, len(body), elapsed

        def cli(words):
            started = time.perf_counter()
            done = subprocess.run([casebook, "--server", sock, "--json"] + words, capture_output=True)
            return done.returncode, len(done.stdout), time.perf_counter() - started

        # The home page runs `tasks --limit 100` (WebApp.taskLimit): the same command here.
        pairs = [("case page", f"/cases/{args.case}", ["show", args.case]), ("task list", "/", ["tasks", "--limit", "100"])]
        print(f"load average before: {os.getloadavg()}")
        results = {}
        for label, path, words in pairs:
            for _ in range(3):  # untimed
                get(path)
                cli(words)
            web_times, cli_times = [], []
            for _ in range(args.runs):
                status, size, elapsed = get(path)
                assert status == 200, (label, status)
                web_times.append(elapsed)
                code, out, elapsed = cli(words)
                assert code == 0, (label, code)
                cli_times.append(elapsed)
            results[label] = (web_times, cli_times, size, out)
        print(f"\n{args.runs} runs each, alternating; median (p10-p90) in ms")
        print("| | through Apache (HTML) | `casebook --server … --json` (a whole client process) | Apache / socket |")
        print("|---|---|---|---|")
        for label, (web_times, cli_times, size, out) in results.items():
            def cell(times):
                return f"{statistics.median(times) * 1000:.1f} ({percentile(times, 10) * 1000:.1f}–{percentile(times, 90) * 1000:.1f})"
            ratio = statistics.median(web_times) / statistics.median(cli_times)
            print(f"| {label} ({size:,} B HTML, {out:,} B JSON) | {cell(web_times)} | {cell(cli_times)} | **{ratio:.2f}×** |")

        # 20 browsers at once, each on its own keep-alive connection, requests in turn.
        paths = [f"/cases/{args.case}", "/", "/cases?status=open"]
        latencies, errors, lock = [], [], threading.Lock()

        def browser(number):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for index in range(args.requests):
                path = paths[(number + index) % len(paths)]
                try:
                    status, _, elapsed = get(path, connection)
                    with lock:
                        (latencies if status == 200 else errors).append(elapsed if status == 200 else (path, status))
                except Exception as error:  # noqa: BLE001 - every failure is counted
                    with lock:
                        errors.append((path, repr(error)))
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.close()
        started = time.perf_counter()
        threads = [threading.Thread(target=browser, args=(n,)) for n in range(args.browsers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        total = len(latencies) + len(errors)
        print(f"\n{args.browsers} browsers x {args.requests} requests ({', '.join(paths)} in turn): {total} requests in {wall:.1f} s "
              f"({total / wall:.1f}/s), {len(errors)} errors")
        if latencies:
            print(f"latency ms: p50 {percentile(latencies, 50) * 1000:.0f}, p95 {percentile(latencies, 95) * 1000:.0f}, "
                  f"p99 {percentile(latencies, 99) * 1000:.0f}, max {max(latencies) * 1000:.0f}")
        if errors:
            counts = {}
            for error in errors:
                counts[error] = counts.get(error, 0) + 1
            print("errors:", counts)
        print(f"load average after: {os.getloadavg()}")
    finally:
        for process in [httpd, serve]:
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
