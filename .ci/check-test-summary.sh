#!/usr/bin/env bash
# Checks ./srn test's summary line (issue 20): a run whose test host dies is reported as a failure
# that names the test that was running, and a run that passes still prints the plain line and
# exits 0. Uses TestHostCrashTests, which divides by zero in native code (SIGFPE) only when
# SRN_TEST_CRASH=1. Takes well under a minute.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

filter="FullyQualifiedName~Srn.Tests.TestSupport.TestHostCrashTests"
crasher="Srn.Tests.TestSupport.TestHostCrashTests.Crashes_the_test_host_with_SIGFPE_when_asked"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { printf 'check-test-summary: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# 1. The test host dies in the second of the two tests.
SRN_TEST_CRASH=1 SRN_TEST_RESULTS="$work/crash" ./srn test --filter "$filter" >"$work/crash.out" 2>"$work/crash.err"
rc=$?
line="$(grep -E '^Tests: ' "$work/crash.out" | tail -n1)"
printf 'crashing run (exit %s): %s\n' "$rc" "$line"
[[ $rc != 0 ]] || fail "the crashing run exited 0"
[[ "$line" =~ ^Tests:\ [0-9]+\ passed,\ [0-9]+\ failed,\ [0-9]+\ skipped\ \( ]] || fail "the summary line lost its form: $line"
[[ "$line" == "Tests: 1 passed, 1 failed, 0 skipped ("* ]] || fail "expected 1 passed, 1 failed (the one not run), 0 skipped: $line"
[[ "$line" == *"test host aborted after 1 of 2: SIGFPE"* ]] || fail "the line does not say the host aborted with SIGFPE: $line"
[[ "$line" == *"last test started: $crasher"* ]] || fail "the line does not name the crashing test: $line"
grep -q "blame sequence" "$work/crash.err" || fail "the blame sequence file's path was not printed"

# 2. The same tests without the variable: one passes, the crasher is skipped.
SRN_TEST_RESULTS="$work/pass" ./srn test --filter "$filter" >"$work/pass.out" 2>"$work/pass.err"
rc=$?
line="$(grep -E '^Tests: ' "$work/pass.out" | tail -n1)"
printf 'passing run (exit %s): %s\n' "$rc" "$line"
[[ $rc == 0 ]] || fail "the passing run exited $rc"
[[ "$line" == "Tests: 1 passed, 0 failed, 1 skipped" ]] || fail "expected the plain line 'Tests: 1 passed, 0 failed, 1 skipped': $line"

if (( failures )); then
  printf 'check-test-summary: %d check(s) failed; the runs'"'"' output:\n' "$failures" >&2
  tail -n 30 "$work"/*.out "$work"/*.err >&2
  exit 1
fi
echo "check-test-summary: ok"
