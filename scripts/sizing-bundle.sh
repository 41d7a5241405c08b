#!/usr/bin/env bash
# Builds the sizing bundle (README, "Benchmarks"; docs/benchmarks.md, "Scaling with cores"): Engine.Load with the
# engine it starts, published in Release (framework-dependent), beside a copy of this machine's .NET runtime (the
# `dotnet` host, Microsoft.NETCore.App and Microsoft.AspNetCore.App), so that the sizing run works on a Linux x64
# machine without the .NET SDK.
#
#   scripts/sizing-bundle.sh [OUT]    writes OUT/engine-sizing/ and OUT/engine-sizing.tar.xz (default OUT: .device,
#                                     a folder git ignores when listed in .git/info/exclude)
#
# On the other machine (it needs taskset, from util-linux):
#   tar -xJf engine-sizing.tar.xz && engine-sizing/sizing.sh --cores 1,2,4,8 --generator-cores 8
# sizing.sh passes its arguments to `Engine.Load scale` (--help lists them) and prints the table last.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-.device}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
bundle="$out/engine-sizing"
rm -rf "$bundle" "$out/engine-sizing.tar.xz"
mkdir -p "$bundle/dotnet/shared"

# For linux-x64 only: the native libraries of other platforms (SQLite's for Android, iOS, Windows …) would triple the size.
dotnet publish bench/Engine.Load -c Release -r linux-x64 --self-contained false -o "$bundle/app" --nologo -v q >/dev/null
# The engine is started as `dotnet Engine.Silo.dll` from the tool's folder: it needs its runtime configuration there.
[ -f "$bundle/app/Engine.Silo.runtimeconfig.json" ] || { echo "sizing-bundle: Engine.Silo.runtimeconfig.json missing from the publish" >&2; exit 1; }

root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime() { dotnet --list-runtimes | awk -v name="$1" '$1 == name && $2 ~ /^10\./ { print $2 }' | sort -V | tail -1; }
core="$(runtime Microsoft.NETCore.App)"
asp="$(runtime Microsoft.AspNetCore.App)"
[ -n "$core" ] && [ -n "$asp" ] || { echo "sizing-bundle: a .NET 10 runtime (Microsoft.NETCore.App and Microsoft.AspNetCore.App) is required" >&2; exit 1; }
cp "$root/dotnet" "$bundle/dotnet/"
cp -r "$root/host" "$bundle/dotnet/"
mkdir -p "$bundle/dotnet/shared/Microsoft.NETCore.App" "$bundle/dotnet/shared/Microsoft.AspNetCore.App"
cp -r "$root/shared/Microsoft.NETCore.App/$core" "$bundle/dotnet/shared/Microsoft.NETCore.App/"
cp -r "$root/shared/Microsoft.AspNetCore.App/$asp" "$bundle/dotnet/shared/Microsoft.AspNetCore.App/"

cat > "$bundle/sizing.sh" <<'RUN'
#!/usr/bin/env bash
# The sizing run from this bundle, on the .NET runtime beside it: `Engine.Load scale` with the arguments given.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DOTNET_ROOT="$here/dotnet" PATH="$here/dotnet:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet "$here/app/Engine.Load.dll" scale "$@"
RUN
chmod +x "$bundle/sizing.sh"

tar -C "$out" -cJf "$out/engine-sizing.tar.xz" engine-sizing
echo "sizing-bundle: $bundle ($(du -sh "$bundle" | cut -f1)), $out/engine-sizing.tar.xz ($(du -h "$out/engine-sizing.tar.xz" | cut -f1)); runtime $core, ASP.NET Core $asp"
