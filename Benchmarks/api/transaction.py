"""The transaction concord-api runs for GET /v1/orgs/{org}/initiatives/{id}, taken from the server's log.

Benchmarks/api/run lets the API serve one request with `log_statement = all` and a CSV log, then calls

    transaction.py capture LOG_DIR OUT.json ORG_ID INITIATIVE_ID

which keeps the API role's last transaction (BEGIN ... COMMIT) with each statement's exact text and
parameters, and marks the parameters that are the organisation or the initiative of the request. From
that file the same script writes the pgbench script, so pgbench, the API and the FastAPI peer run the
very same statements:

    transaction.py pgbench OUT.json SCRIPT.sql ARGS.txt

(ARGS.txt: pgbench `-D` options, one per line, for the constant parameters).
"""

import csv
import glob
import json
import re
import sys

MESSAGE, DETAIL, USER = 13, 14, 1
PARAMETER = re.compile(r"\$(\d+) = (NULL|'((?:[^']|'')*)')")


def capture(log_dir, out_path, org_id, initiative_id):
    executed = []
    for path in sorted(glob.glob(f"{log_dir}/*.csv")):
        with open(path, newline="") as file:
            for row in csv.reader(file):
                if row[USER] != "concord_api" or not row[MESSAGE].startswith("execute "):
                    continue
                text = row[MESSAGE].split(": ", 1)[1]
                values = {}
                for match in PARAMETER.finditer(row[DETAIL]):
                    number, raw, quoted = match.groups()
                    values[int(number)] = None if raw == "NULL" else quoted.replace("''", "'")
                executed.append({"sql": text, "params": [values[n] for n in sorted(values)]})
    begins = [i for i, s in enumerate(executed) if s["sql"].upper().startswith("BEGIN")]
    if not begins:
        sys.exit("transaction.py: no transaction of concord_api in the log")
    start = begins[-1]
    end = next(i for i in range(start, len(executed)) if executed[i]["sql"].upper() == "COMMIT")
    statements = executed[start : end + 1]
    for statement in statements:
        statement["roles"] = [
            "org" if value == org_id else "id" if value == initiative_id else None
            for value in statement["params"]
        ]
    with open(out_path, "w") as file:
        json.dump({"org": org_id, "id": initiative_id, "statements": statements}, file, indent=2)


def pgbench(captured_path, script_path, args_path):
    captured = json.load(open(captured_path))
    constants = {}
    lines = ["\\startpipeline"]
    for statement in captured["statements"]:
        names = []
        for value, role in zip(statement["params"], statement["roles"]):
            if role is None:
                if value is None or "\n" in value:
                    sys.exit(f"transaction.py: cannot pass {value!r} to pgbench")
                role = constants.setdefault(value, f"c{len(constants) + 1}")
            names.append(role)
        # Highest number first, so $1 does not eat the start of $10.
        text = statement["sql"]
        for number in range(len(names), 0, -1):
            text = text.replace(f"${number}", f":{names[number - 1]}")
        lines.append(text + ";")
    lines.append("\\endpipeline")
    with open(script_path, "w") as file:
        file.write("\n".join(lines) + "\n")
    with open(args_path, "w") as file:
        file.write(f"-Dorg={captured['org']}\n-Did={captured['id']}\n")
        for value, name in constants.items():
            file.write(f"-D{name}={value}\n")


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"capture": capture, "pgbench": pgbench}[command](*arguments)
