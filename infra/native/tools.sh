#!/usr/bin/env bash
# Command-line tools the tests call (not servers): promtool checks the Prometheus config and the
# services' /metrics exposition; shellcheck checks the `run:` scripts of .github/workflows (through
# actionlint, make workflow-check). Installed from Debian's packages when missing.
COMPONENT=tools
. "$(dirname "$0")/lib.sh"

ensure_apt prometheus promtool
say "promtool $(promtool --version 2>&1 | head -n 1 | awk '{print $3}')"
ensure_apt shellcheck shellcheck
say "shellcheck $(shellcheck --version | awk '/^version:/ {print $2}')"
