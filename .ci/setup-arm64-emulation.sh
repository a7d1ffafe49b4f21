#!/usr/bin/env bash
# Make this x86-64 Debian machine run linux/arm64 ELF binaries (and the processes they spawn) under
# qemu-user emulation, for the arm64 proof test (test/e2e/arm64-code-artifact.test.ts).
# Needs root. Recipe: qemu-user-static + the arm64 dynamic loader and C/C++ runtime (multiarch),
# then a binfmt_misc entry with the F (fix binary) flag so children spawned by Node run too.
# Idempotent: a second run changes nothing.
set -euo pipefail
if [ "$(uname -m)" = "aarch64" ]; then echo "arm64 host: no emulation needed"; exit 0; fi
[ "$(id -u)" = "0" ] || { echo "setup-arm64-emulation: must run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then dpkg --add-architecture arm64; fi
if ! dpkg -s qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >/dev/null
fi
BINFMT=/proc/sys/fs/binfmt_misc
if [ ! -e "$BINFMT/register" ]; then mount -t binfmt_misc binfmt_misc "$BINFMT"; fi
if [ ! -e "$BINFMT/qemu-aarch64" ]; then
  SPEC=/usr/share/binfmts/qemu-aarch64
  magic=$(sed -n 's/^magic //p' "$SPEC")
  mask=$(sed -n 's/^mask //p' "$SPEC")
  interpreter=$(sed -n 's/^interpreter //p' "$SPEC")
  [ -n "$magic" ] && [ -n "$mask" ] && [ -x "$interpreter" ] || { echo "setup-arm64-emulation: cannot read $SPEC" >&2; exit 1; }
  printf ':qemu-aarch64:M::%s:%s:%s:FP\n' "$magic" "$mask" "$interpreter" > "$BINFMT/register"
fi
grep -q '^enabled' "$BINFMT/qemu-aarch64"
echo "arm64 emulation ready: $(head -2 "$BINFMT/qemu-aarch64" | tr '\n' ' ')"
