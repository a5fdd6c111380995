#!/usr/bin/env python3
"""Run a command once and print `LABEL <TAB> seconds <TAB> peak RSS in KB` (one line, for a TSV).

    bench/measure.py LABEL STDOUT-FILE COMMAND [ARG...]

The command's stdout goes to STDOUT-FILE, its stderr is kept and shown only if it fails (exit status
other than 0, which makes this script fail too). Wall time is the whole process, start-up and exit
included. Peak RSS comes from /usr/bin/time -f %M when it is installed, else from getrusage on the
child (this script runs one command, so the children's maximum is that command's). Python 3 standard
library only.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    label, out_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    timer = "/usr/bin/time"
    use_timer = os.access(timer, os.X_OK)
    with tempfile.NamedTemporaryFile(mode="r") as rss_file, open(out_path, "wb") as out:
        argv = [timer, "-f", "%M", "-o", rss_file.name] + command if use_timer else command
        start = time.perf_counter()
        child = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
        if use_timer:
            rss_kb = int(rss_file.read().split()[-1])
        else:
            rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    if child.returncode != 0:
        sys.stderr.write("%s failed with status %d:\n%s\n" % (
            " ".join(command), child.returncode, child.stderr.decode("utf-8", "replace")[-4000:]))
        sys.exit(1)
    print("%s\t%.6f\t%d" % (label, seconds, rss_kb))


if __name__ == "__main__":
    main()
