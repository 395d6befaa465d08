"""Run every benchmark in turn; each writes its own section of docs/benchmarks.md.

They take a while (the 100,000-member ones several minutes each) and compete
for the machine, so they run one after another, never side by side.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["bench_demo_data.py"],
    ["bench_linkedin_import.py"],
    ["bench_ties.py", "--members", "100000"],
    ["bench_refresh.py", "--members", "20000"],
    ["bench_serving.py", "--members", "10000"],
    ["bench_assignment.py"],
    ["bench_peer_pairing.py"],
    ["bench_quotas.py"],
    ["quality/planted_mentor.py"],
]

if __name__ == "__main__":
    for script, *arguments in BENCHMARKS:
        print(f"== {script} {' '.join(arguments)}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *arguments], check=True)
