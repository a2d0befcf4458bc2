import csv
import sys

rows = csv.reader(open(sys.argv[1], newline=""))
out = csv.writer(sys.stdout)
header = next(rows)
out.writerow([h.strip().lower().replace(" ", "_") for h in header])
for row in rows:
    cells = [c.strip() for c in row]
    if any(cells):
        out.writerow(cells)
