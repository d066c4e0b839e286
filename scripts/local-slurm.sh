#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for the sweep tests (tests/sweeps/slurm.test.ts) and
# for trying `gainlab sweep slurm` without a real cluster.
#
#   scripts/local-slurm.sh start    install (if needed) and start munged, slurmctld and slurmd
#   scripts/local-slurm.sh stop     stop the daemons this script started (by their pid files)
#   scripts/local-slurm.sh status   say what runs; exit 0 when the cluster answers
#   scripts/local-slurm.sh env      print `export SLURM_CONF=…` for the clients (sbatch, squeue)
#
# Everything lives in a state directory (GAINLAB_SLURM_STATE, default /tmp/gainlab-slurm):
# slurm.conf and cgroup.conf (clients find them through SLURM_CONF=STATE/slurm.conf), pid files,
# logs, spool and the controller's state. Nothing listens beyond loopback:
# CommunicationParameters=NoCtldInAddrAny,NoInAddrAny makes slurmctld, slurmd and srun bind to
# what the host name resolves to, and the script makes the host name resolve to 127.0.0.1.
#
# Installation (Debian 12: slurm 22.05): apt-get --no-install-recommends behind a temporary
# /usr/sbin/policy-rc.d that exits 101, so package scripts do not start daemons (no systemd here).
# Daemons are stopped by the pids in their pid files, never by name.
#
# Exit codes: 0 ok; 77 skipped (not root, no apt-get, …: the reason is printed on the last line as
# "SKIP: …"); 1 failure.
set -uo pipefail

STATE="${GAINLAB_SLURM_STATE:-/tmp/gainlab-slurm}"
CONF="$STATE/slurm.conf"
PACKAGES=(slurmctld slurmd slurm-client munge)

say() { echo "local-slurm: $*" >&2; }
skip() {
  echo "SKIP: $*"
  exit 77
}
fail() {
  echo "local-slurm: $*" >&2
  exit 1
}

pid_alive() {
  local file="$1"
  [[ -s "$file" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    return 0
  fi
  command -v apt-get >/dev/null || skip "slurmctld is not installed and there is no apt-get to install it"
  say "installing ${PACKAGES[*]} (apt-get --no-install-recommends; package scripts may not start daemons)"
  local started=$SECONDS
  local policy=/usr/sbin/policy-rc.d
  local backup=""
  if [[ -e "$policy" ]]; then
    backup="$STATE/policy-rc.d.saved"
    cp -p "$policy" "$backup" || fail "cannot back up $policy"
  fi
  printf '#!/bin/sh\n# temporary, written by gainlab scripts/local-slurm.sh: no daemon starts during installation\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  local ok=1
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >"$STATE/apt.log" 2>&1; then
    # stale package lists: refresh once and retry
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$STATE/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >>"$STATE/apt.log" 2>&1 || ok=0
  fi
  if [[ -n "$backup" ]]; then mv -f "$backup" "$policy"; else rm -f "$policy"; fi
  [[ $ok == 1 ]] || skip "apt-get could not install ${PACKAGES[*]} (see $STATE/apt.log)"
  say "installed in $((SECONDS - started)) s"
}

# The daemons bind to what the host name resolves to (NoInAddrAny): make that loopback.
hostname_to_loopback() {
  local host
  host="$(hostname)"
  local address
  address="$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')"
  if [[ "$address" != 127.0.0.1 ]]; then
    say "making $host resolve to 127.0.0.1 (a line prepended to /etc/hosts)"
    local hosts
    hosts="$(cat /etc/hosts)"
    printf '127.0.0.1 %s # gainlab local-slurm\n%s\n' "$host" "$hosts" >/etc/hosts || fail "cannot write /etc/hosts"
  fi
}

write_config() {
  local host cpus memory
  host="$(hostname)"
  cpus="$(nproc)"
  # MB the node offers (--mem requests above it are refused at submission)
  memory="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"
  mkdir -p "$STATE/spool/slurmd" "$STATE/spool/ctld" "$STATE/log"
  cat >"$CONF" <<EOF
# written by gainlab scripts/local-slurm.sh: a one-node cluster on loopback
ClusterName=gainlab-local
SlurmctldHost=localhost(127.0.0.1)
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
MaxArraySize=1001
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # CgroupPlugin=disabled does not exist in 22.05 (slurmd would not start); autodetect works here
  printf 'CgroupPlugin=autodetect\n' >"$STATE/cgroup.conf"
}

start_munge() {
  if pid_alive "$STATE/munged.pid"; then return 0; fi
  local key=/etc/munge/munge.key
  if [[ ! -s "$key" ]]; then
    say "creating a munge key"
    mkdir -p /etc/munge
    dd if=/dev/urandom of="$key" bs=1 count=1024 status=none || fail "cannot create $key"
  fi
  chown munge:munge "$key" && chmod 400 "$key"
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 755 /run/munge
  # munged writes its pid file where it may write: a directory of the munge user
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/gainlab-munged.pid >>"$STATE/log/munged.out" 2>&1 || fail "munged did not start (see $STATE/log/munged.out)"
  for _ in $(seq 1 50); do
    [[ -s /run/munge/gainlab-munged.pid ]] && break
    sleep 0.1
  done
  cp /run/munge/gainlab-munged.pid "$STATE/munged.pid" || fail "munged wrote no pid file"
}

cluster_answers() {
  SLURM_CONF="$CONF" sinfo -h -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'
}

start() {
  [[ "$(id -u)" == 0 ]] || skip "needs root (installs packages and starts slurmd as root)"
  mkdir -p "$STATE" || fail "cannot create $STATE"
  local started=$SECONDS
  install_packages
  hostname_to_loopback
  write_config
  start_munge
  export SLURM_CONF="$CONF"
  if ! pid_alive "$STATE/slurmctld.pid"; then
    slurmctld -f "$CONF" >>"$STATE/log/slurmctld.out" 2>&1 || fail "slurmctld did not start (see $STATE/log/slurmctld.log)"
  fi
  if ! pid_alive "$STATE/slurmd.pid"; then
    slurmd -f "$CONF" >>"$STATE/log/slurmd.out" 2>&1 || fail "slurmd did not start (see $STATE/log/slurmd.log)"
  fi
  local ok=0
  for _ in $(seq 1 150); do
    if cluster_answers; then
      ok=1
      break
    fi
    sleep 0.2
  done
  [[ $ok == 1 ]] || fail "the cluster did not come up within 30 s (see $STATE/log)"
  # a node left DOWN by an earlier unclean stop comes back
  SLURM_CONF="$CONF" scontrol update nodename="$(hostname)" state=resume >/dev/null 2>&1 || true
  say "up in $((SECONDS - started)) s: $(SLURM_CONF="$CONF" sinfo -h -o '%P %D nodes, %c CPUs, %t' | head -1)"
  echo "export SLURM_CONF=$CONF"
}

stop_pidfile() {
  local name="$1" file="$2"
  if pid_alive "$file"; then
    local pid
    pid="$(tr -dc '0-9' <"$file")"
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop within 10 s; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

stop() {
  stop_pidfile slurmd "$STATE/slurmd.pid"
  stop_pidfile slurmctld "$STATE/slurmctld.pid"
  stop_pidfile munged "$STATE/munged.pid"
}

status() {
  local name
  for name in munged slurmctld slurmd; do
    if pid_alive "$STATE/$name.pid"; then say "$name: running (pid $(tr -dc '0-9' <"$STATE/$name.pid"))"; else say "$name: not running"; fi
  done
  if cluster_answers; then
    say "cluster answers: $(SLURM_CONF="$CONF" sinfo -h -o '%P %D nodes, %c CPUs, %t' | head -1)"
    return 0
  fi
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *)
    echo "usage: scripts/local-slurm.sh start|stop|status|env" >&2
    exit 2
    ;;
esac
