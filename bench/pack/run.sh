#!/usr/bin/env bash
# Pack benchmark: passerelle pack against simple-scorm-packager (npm) on the
# same synthetic course, in one run; then passerelle's peak memory as the
# course grows. Writes its results to docs/benchmarks.md.
# usage: bench/pack/run.sh [SIZE_MB=200] [FILES=2000] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-200}
files=${2:-2000}
runs=${3:-3}
bin=${PASSERELLE:-build/release/passerelle}
work=${BENCH_TMP:-/tmp/passerelle-bench}
[ -x "$bin" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

rm -rf "$work"; mkdir -p "$work"
node bench/pack/make-course.mjs "$work/course" "$size" "$files" >/dev/null

# median of a list of numbers
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME CMD...: runs CMD $runs times; prints "seconds peak_kib" medians
measure() {
  local name=$1; shift
  : >"$work/$name.times"
  for _ in $(seq "$runs"); do
    sync
    /usr/bin/time -f '%e %M' -o "$work/$name.one" "$@" >/dev/null 2>&1
    cat "$work/$name.one" >>"$work/$name.times"
  done
  echo "$(cut -d' ' -f1 "$work/$name.times" | median) $(cut -d' ' -f2 "$work/$name.times" | median)"
}

read -r pa_s pa_kib < <(measure passerelle "$bin" pack "$work/course" --format scorm2004 -o "$work/passerelle.zip" --quiet)
read -r ssp_s ssp_kib < <(measure ssp node bench/pack/peer-simple-scorm-packager.mjs "$work/course" "$work/ssp")
pa_zip=$(stat -c %s "$work/passerelle.zip")
ssp_zip=$(stat -c %s "$work"/ssp/*.zip | head -n1)
speedup=$(awk -v a="$ssp_s" -v b="$pa_s" 'BEGIN {printf "%.1f", a / b}')

# Memory as the course grows: the same shape at a quarter, once and four times the size.
scaling=""
for s in $((size / 4)) "$size" $((size * 4)); do
  node bench/pack/make-course.mjs "$work/scale" "$s" "$files" >/dev/null
  read -r sec kib < <(runs=1 measure scale "$bin" pack "$work/scale" --format scorm2004 -o "$work/scale.zip" --quiet)
  scaling+="| $s MB | $files | $sec s | $((kib / 1024)) MB |"$'\n'
  rm -rf "$work/scale" "$work/scale.zip"
done

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n1)
mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')
section=$(cat <<MD
## pack: $size MB course in $files files ($(date -u +%Y-%m-%d))

Machine: $cpu, $(nproc) cores, $mem, $(uname -sr). Command: \`bench/pack/run.sh $size $files $runs\`
(median of $runs runs; the course is made by \`bench/pack/make-course.mjs\`: Markdown lessons
each showing one incompressible media file, about 10% text; both tools package the same folder into
a SCORM 2004 4th Edition zip).

| tool | wall time | peak memory (RSS) | zip size |
|---|---|---|---|
| passerelle pack | $pa_s s | $((pa_kib / 1024)) MB | $((pa_zip / 1048576)) MB |
| simple-scorm-packager 0.2.7 (Node $(node --version)) | $ssp_s s | $((ssp_kib / 1024)) MB | $((ssp_zip / 1048576)) MB |

passerelle is **${speedup}x** as fast (target: at least 3x) with a peak memory of
$((pa_kib / 1024)) MB (target: under 64 MB whatever the course size).

Peak memory of passerelle pack as the course grows:

| course | files | wall time | peak memory (RSS) |
|---|---|---|---|
$scaling
MD
)
doc=docs/benchmarks.md
if [ ! -f "$doc" ]; then
  printf '# Benchmarks\n\nFigures measured on the project machine by the scripts in `bench/`. Each section names\nthe machine and the command that produced it; run the command again to refresh it.\n' >"$doc"
fi
# Replace the previous pack section, keep the others.
awk 'BEGIN{skip=0} /^## pack:/{skip=1; next} /^## /{skip=0} !skip' "$doc" >"$work/doc"
printf '%s\n\n%s\n' "$(cat "$work/doc")" "$section" >"$doc"
echo "$section"
rm -rf "$work"
