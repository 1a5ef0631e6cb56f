/**
 * Shell and Python programs run by the helper containers. Kept here, whole and readable, so that
 * tests can run them (the gate with a local Python, the shell scripts against a fake `aws`) and
 * reviewers can read what runs.
 *
 * Argo Workflows substitutes `{{…}}` in templates: none of these programs contains `{{`.
 */

/**
 * Evaluation gate (Python 3, standard library only). Reads the metrics JSON object from `METRICS`
 * and the gates from `GATES` (`[{"metric", "operator", "threshold"}]`); prints the decision on
 * stdout as its last line (`pass` or `fail`), one line per gate on stderr. A missing or
 * non-numeric metric fails its gate.
 */
export const GATE_SCRIPT = `import json, math, os, sys
ops = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b, "==": lambda a, b: a == b}
try:
    metrics = json.loads(os.environ.get("METRICS") or "{}")
except ValueError as e:
    print("metrics are not JSON: %s" % e, file=sys.stderr)
    metrics = {}
if not isinstance(metrics, dict):
    metrics = {}
ok = True
for g in json.loads(os.environ["GATES"]):
    v = metrics.get(g["metric"])
    if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v):
        print("gate %s %s %s: metric missing or not a number (%r): fail" % (g["metric"], g["operator"], g["threshold"], v), file=sys.stderr)
        ok = False
        continue
    passed = ops[g["operator"]](v, g["threshold"])
    print("gate %s %s %s: %s: %s" % (g["metric"], g["operator"], g["threshold"], v, "pass" if passed else "fail"), file=sys.stderr)
    ok = ok and passed
print("pass" if ok else "fail")
`;

/**
 * Publish an approved model version (AWS CLI): copy the run's model to
 * `VERSIONS_URI/<VERSION>/`, then write `_APPROVED.json` (pipeline, version, source, metrics) last,
 * so that a consumer seeing the marker sees a complete version. Writes the version URI to
 * `/tmp/version-uri` (an output parameter).
 */
export const PUBLISH_SCRIPT = `set -eu
DEST="\${VERSIONS_URI}\${VERSION}/"
aws s3 sync "$MODEL_URI" "$DEST" --only-show-errors
printf '{"pipeline":"%s","version":"%s","modelUri":"%s","source":"%s","status":"Approved","metrics":%s}\\n' \\
  "$PIPELINE" "$VERSION" "$DEST" "$MODEL_URI" "\${METRICS:-null}" > /tmp/approved.json
aws s3 cp /tmp/approved.json "\${DEST}_APPROVED.json" --only-show-errors
printf '%s' "$DEST" > /tmp/version-uri
`;

/**
 * Drain the retrain queue (AWS CLI) without deleting yet: receive every visible message (10 at a
 * time, hidden for 5 minutes), keep the receipt handles in `$WORK_DIR/handles` (default `/work`), count the S3 object
 * events (S3's `s3:TestEvent` is not one), and write the Workflow to create to
 * `$WORK_DIR/workflow.json`: `WORKFLOW_JSON` with `__NEW_OBJECTS__` replaced by the count. A run
 * created with 0 new objects skips every stage.
 */
export const DRAIN_SCRIPT = `set -eu
W="\${WORK_DIR:-/work}"
tab=$(printf '\\t')
: > $W/handles
count=0
while :; do
  out=$(aws sqs receive-message --queue-url "$QUEUE_URL" --max-number-of-messages 10 --wait-time-seconds 2 \\
    --visibility-timeout 300 --query 'Messages[].[ReceiptHandle,Body]' --output text)
  if [ -z "$out" ] || [ "$out" = "None" ]; then break; fi
  printf '%s\\n' "$out" > $W/batch
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    printf '%s\\n' "\${line%%"$tab"*}" >> $W/handles
    case "$line" in *s3:TestEvent*) ;; *) count=$((count + 1)) ;; esac
  done < $W/batch
done
printf '%s' "$WORKFLOW_JSON" | sed "s/__NEW_OBJECTS__/$count/" > $W/workflow.json
echo "received $(wc -l < $W/handles) messages, $count new objects"
`;

/** Delete the messages whose receipt handles are in `$WORK_DIR/handles` (after the run was created). */
export const DELETE_SCRIPT = `set -eu
W="\${WORK_DIR:-/work}"
while IFS= read -r h; do
  [ -n "$h" ] || continue
  aws sqs delete-message --queue-url "$QUEUE_URL" --receipt-handle "$h"
done < $W/handles
`;

/**
 * Receive one "new approved version" event (AWS CLI) for a rollout: read the object key of the
 * `_APPROVED.json` marker from the S3 event, and write the merge patch of the InferenceService
 * (`PATCH_TEMPLATE` with `__MODEL_URI__` replaced by `s3://<bucket>/<version>/`) to
 * `$WORK_DIR/patch.json`; `{}` (a no-op patch) when the message is not such an event (S3's test event).
 */
export const ROLLOUT_RECEIVE_SCRIPT = `set -eu
W="\${WORK_DIR:-/work}"
tab=$(printf '\\t')
: > $W/handles
echo '{}' > $W/patch.json
out=$(aws sqs receive-message --queue-url "$QUEUE_URL" --max-number-of-messages 1 --wait-time-seconds 5 \\
  --visibility-timeout 300 --query 'Messages[].[ReceiptHandle,Body]' --output text)
if [ -z "$out" ] || [ "$out" = "None" ]; then echo "no message"; exit 0; fi
printf '%s\\n' "\${out%%"$tab"*}" > $W/handles
key=$(printf '%s' "$out" | sed -n 's/.*"key":"\\([^"]*\\)_APPROVED\\.json".*/\\1/p')
bucket=$(printf '%s' "$out" | sed -n 's/.*"bucket":{"name":"\\([^"]*\\)".*/\\1/p')
if [ -z "$key" ] || [ -z "$bucket" ]; then echo "not a new-version event"; exit 0; fi
printf '%s' "$PATCH_TEMPLATE" | sed "s|__MODEL_URI__|s3://$bucket/$key|" > $W/patch.json
echo "rolling to s3://$bucket/$key"
`;
