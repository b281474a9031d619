#!/usr/bin/env python3
"""CI: a class on loopback. A headless host and five `accord join --ai` processes play an
Istanbul game to the end; the host is killed with SIGKILL mid-game and resumed from its
save; the game's `accord replay` is byte-identical to that of `accord simulate --games 1`
with the same seed. Every wait is bounded."""
import json, os, signal, subprocess, sys, tempfile, time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/accord"
SEED = "21"
tmp = tempfile.mkdtemp(prefix="accord-class-")
save = os.path.join(tmp, "class.ron")


def start_host(args):
    p = subprocess.Popen([BIN, "host", "--port", "0" if "--resume" not in args else PORT, "--exit-when-over", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line:
        sys.exit("the host printed nothing: " + p.stderr.read())
    return p, json.loads(line)


def actions_saved():
    try:
        with open(save) as f:
            return f.read().count("explanation:")
    except OSError:
        return 0


PORT = "0"
host, first = start_host(["--scenario", "istanbul-2025", "--seed", SEED, "--save", save])
PORT = first["address"].rsplit(":", 1)[1].split("/")[0]
print("host:", first["address"], "seats:", ", ".join(first["seats"]))
wrong = subprocess.run([BIN, "join", first["address"], "--code", "WR0NGC0DE0", "--ai"],
                       capture_output=True, text=True, timeout=30)
if wrong.returncode != 3:
    sys.exit(f"a wrong code must exit 3, got {wrong.returncode}: {wrong.stderr}")
joins = [subprocess.Popen([BIN, "join", first["address"], "--code", code, "--ai", "--name", party],
                          stderr=subprocess.PIPE, text=True)
         for party, code in first["seats"].items()]
deadline = time.time() + 120
while actions_saved() < 12:
    if time.time() > deadline or host.poll() is not None:
        sys.exit("the game did not reach 12 saved moves")
    time.sleep(0.01)
host.send_signal(signal.SIGKILL)
host.wait()
print("killed the host after", actions_saved(), "saved moves")
host, again = start_host(["--resume", save])
assert again["seats"] == first["seats"], "a resumed host keeps its codes"
try:
    host_rc = host.wait(timeout=180)
except subprocess.TimeoutExpired:
    host.kill()
    sys.exit("the resumed host did not finish")
for j in joins:
    try:
        rc = j.wait(timeout=60)
    except subprocess.TimeoutExpired:
        j.kill()
        sys.exit("a join client did not finish")
    err = j.stderr.read()
    if rc != 0:
        sys.exit(f"join exited {rc}: {err}")
print("host and five clients exited 0;", host.stderr.read().strip().splitlines()[-1])
local = os.path.join(tmp, "local.ron")
subprocess.run([BIN, "simulate", "--scenario", "istanbul-2025", "--games", "1", "--seed", SEED, "--save", local],
               check=True, stdout=subprocess.DEVNULL)
a = subprocess.run([BIN, "replay", save], check=True, capture_output=True).stdout
b = subprocess.run([BIN, "replay", local], check=True, capture_output=True).stdout
if a != b:
    sys.exit("the hosted game's replay differs from the simulated game's")
print(f"replays identical ({len(a)} bytes)")
