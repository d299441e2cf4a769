#!/usr/bin/env bash
# Builds libevonorm_torch.so, the fused EvoNorm kernels (evonorm_kernels.cpp) and the fused graph
# executor (graph_ops.cpp, evonorm_graph.cpp, evonorm_graph_function.cpp), into DIR.
#
#   native/build.sh DIR
#
# The Maven build runs it (generate-resources) and packs the library into the jar; the layers
# fall back to DJL's ops when it is absent, so a failure here never fails the build: it prints one
# line saying why and exits 0.
#
# What it needs: g++ (with OpenMP) and libtorch's C++ headers. DJL ships libtorch 2.7.1's shared
# libraries but no headers, and no package registry reachable here serves 2.7.1's: the script takes
# Debian's libtorch-dev 2.6.0 (headers only, 2.4 MB, checked by SHA-256) and corrects the two
# differences that matter to this file: 2.7 added a virtual method to torch::autograd::Node
# (is_aot_backward, before apply), so a Node subclass compiled from 2.6's header would have a
# vtable one slot short and crash in the backward pass; and a field at the end of
# AutogradContext. The layouts this file relies on (Node, AutogradContext, VariableInfo,
# SavedVariable, TensorImpl) and the symbols it uses were checked against DJL's libtorch_cpu.so
# 2.7.1 (docs/native-kernels.md). EVONORM_TORCH_INCLUDE=DIR uses a libtorch
# 2.7.1 include directory instead (no correction then).
#
# Linking: against stub libraries that only carry libtorch's sonames, so the result names
# libtorch_cpu.so and libc10.so as needed libraries; at run time those are the copies DJL has
# already loaded (the loader matches them by soname), which is why Java loads this library only
# after DJL's engine has started.
set -uo pipefail

out="${1:?usage: native/build.sh OUTPUT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sources=("$here/evonorm_kernels.cpp" "$here/graph_ops.cpp" "$here/evonorm_graph.cpp" "$here/evonorm_graph_function.cpp")
own_headers=("$here/native_common.h" "$here/graph_ops.h" "$here/graph_stages.h")
library="$out/libevonorm_torch.so"

skip() {
  echo "evonorm: native kernels not built ($1); the EvoNorm layers will use DJL's ops" >&2
  rm -f "$library"
  exit 0
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) skip "only built on Linux x86_64, this is $(uname -s)-$(uname -m)" ;;
esac
[ "${EVONORM_NATIVE_BUILD:-on}" = "off" ] && skip "EVONORM_NATIVE_BUILD=off"
command -v g++ >/dev/null 2>&1 || skip "no g++; install g++ to get them"

up_to_date=yes
for file in "${sources[@]}" "${own_headers[@]}" "${BASH_SOURCE[0]}"; do
  [ -f "$library" ] && [ "$library" -nt "$file" ] || up_to_date=""
done
[ -n "$up_to_date" ] && exit 0

cache="${EVONORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/evonorm}"
include_flags=()
if [ -n "${EVONORM_TORCH_INCLUDE:-}" ]; then
  [ -f "$EVONORM_TORCH_INCLUDE/torch/csrc/autograd/function.h" ] \
    || skip "EVONORM_TORCH_INCLUDE=$EVONORM_TORCH_INCLUDE has no torch/csrc/autograd/function.h"
  include_flags=(-I"$EVONORM_TORCH_INCLUDE")
else
  deb_name="libtorch-dev_2.6.0+dfsg-7_amd64.deb"
  deb_sha256="d63886ac7482184e96d38cbbbb346430f1cc3a68b59319eb2ca1ababd501535b"
  headers="$cache/libtorch-dev-2.6.0"
  if [ ! -f "$headers/.complete" ]; then
    mkdir -p "$cache" || skip "cannot create $cache"
    deb="$cache/$deb_name"
    if [ ! -f "$deb" ] || ! echo "$deb_sha256  $deb" | sha256sum -c --status; then
      command -v curl >/dev/null 2>&1 || skip "no curl to fetch Debian's libtorch-dev headers"
      fetched=""
      if curl -fsL --retry 2 -o "$deb.part" "https://deb.debian.org/debian/pool/main/p/pytorch/$deb_name" \
          && echo "$deb_sha256  $deb.part" | sha256sum -c --status; then
        mv "$deb.part" "$deb"; fetched=yes
      else
        # Debian may have replaced that build in trixie by a later 2.6.x one (same headers but for
        # Debian's patches): take the one trixie lists now, checked against the SHA-256 in its index.
        entry="$(curl -fsSL --retry 2 https://deb.debian.org/debian/dists/trixie/main/binary-amd64/Packages.xz 2>/dev/null \
          | xz -dc 2>/dev/null | awk '/^Package: libtorch-dev$/ { on = 1 } on && /^Version: 2\.6\./ { ok = 1 }
              on && /^Filename:/ { file = $2 } on && /^SHA256:/ { sum = $2 } on && /^$/ { if (ok) { print file, sum; exit } on = ok = 0 }')"
        if [ -n "$entry" ]; then
          deb_name="$(basename "${entry%% *}")"; deb_sha256="${entry##* }"; deb="$cache/$deb_name"
          if curl -fsSL --retry 2 -o "$deb.part" "https://deb.debian.org/debian/${entry%% *}" \
              && echo "$deb_sha256  $deb.part" | sha256sum -c --status; then
            mv "$deb.part" "$deb"; fetched=yes
          fi
        fi
      fi
      rm -f "$deb.part"
      [ -n "$fetched" ] || skip "could not download Debian's libtorch-dev 2.6 headers (deb.debian.org)"
    fi
    rm -rf "$headers.tmp" && mkdir -p "$headers.tmp"
    (cd "$headers.tmp" && ar x "$deb" && tar -xf data.tar.* ./usr/include) >/dev/null 2>&1 \
      || skip "could not unpack $deb_name"
    rm -rf "$headers" && mv "$headers.tmp/usr/include" "$headers" && rm -rf "$headers.tmp"
    touch "$headers/.complete"
  fi
  # The 2.7 corrections, in copies of the two headers in an overlay directory searched first.
  overlay="$out/native-build/overlay"
  rm -rf "$overlay" && mkdir -p "$overlay/torch/csrc/autograd"
  # correct FILE ANCHOR LINE before|after: copies FILE with LINE next to the one line equal to ANCHOR.
  correct() {
    local original="$headers/torch/csrc/autograd/$1"
    [ "$(grep -cxF "$2" "$original")" = 1 ] || skip "unexpected torch/csrc/autograd/$1 in the 2.6 headers"
    awk -v anchor="$2" -v line="$3" -v where="$4" \
      '$0 == anchor && where == "before" { print line } { print } $0 == anchor && where == "after" { print line }' \
      "$original" > "$overlay/torch/csrc/autograd/$1"
  }
  # Node's vtable: 2.7 declares is_aot_backward() between apply_with_saved() and apply().
  correct function.h '  virtual variable_list apply(variable_list&& inputs) = 0;' \
    '  virtual bool is_aot_backward() const { return false; }  // added in libtorch 2.7' before
  # AutogradContext's data: 2.7 appends an optional override of the saved variables (compiled
  # autograd), read by get_saved_variables(); without it the context is 32 bytes short.
  correct custom_function.h '  bool has_freed_buffers_{false};' \
    '  std::optional<variable_list> saved_variables_override_;  // added in libtorch 2.7' after
  include_flags=(-I"$overlay" -I"$headers")
fi

build="$out/native-build"
mkdir -p "$build/stubs"
echo "" > "$build/stubs/empty.c"
for soname in libc10.so libtorch_cpu.so; do
  gcc -shared -fPIC -o "$build/stubs/$soname" -Wl,-soname,"$soname" "$build/stubs/empty.c" \
    || skip "gcc could not make the link stubs"
done
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}"
[ -f "$java_home/include/jni.h" ] || skip "no jni.h under $java_home/include; set JAVA_HOME to a JDK"

if ! g++ -std=c++17 -O3 -fno-trapping-math -fno-math-errno -fopenmp -fPIC -shared -D_GLIBCXX_USE_CXX11_ABI=1 -w \
    -I"$java_home/include" -I"$java_home/include/linux" "${include_flags[@]}" \
    "${sources[@]}" -o "$library.tmp" \
    -L"$build/stubs" -Wl,--no-as-needed -ltorch_cpu -lc10 -Wl,--as-needed \
    > "$build/compile.log" 2>&1; then
  skip "g++ failed, see $build/compile.log"
fi
mv "$library.tmp" "$library"
echo "evonorm: built native kernels $library" >&2
