#!/usr/bin/env bash
# Makes the local stand-in for node:24-bookworm-slim that the image smoke test builds on
# (there is no image registry here): Debian bookworm (debootstrap, minbase) from the mirror
# apt uses, Node and npm from the npm registry, a `node` user (uid 1000) as in the real
# image, and this machine's CA bundle in a file of its own (apt's ca-certificates rewrites
# the standard one) named by NODE_EXTRA_CA_CERTS, so `npm ci` in the build trusts it.
# Cached: the debootstrap tree under .cache/image, the image in .cache/buildah. Quiet
# (a no-op) when the base exists.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source .ci/image/lib.sh

if ci_buildah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then exit 0; fi
cache=.cache/image
mkdir -p "$cache"

# Debian, once (~3 minutes): kept as a tarball so a new base (another Node) skips it.
rootfs_tar=$cache/bookworm-minbase.tar
if [ ! -f "$rootfs_tar" ]; then
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  tree=$(mktemp -d "$cache/debootstrap.XXXXXX")
  echo "=== debootstrap bookworm (minbase) from ${mirror:=http://deb.debian.org/debian}"
  debootstrap --variant=minbase bookworm "$tree" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
  rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/*
  tar -C "$tree" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$tree"
fi

# Node and npm as packages of the npm registry.
arch=$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
node_prefix=$cache/node-$IMAGE_NODE_VERSION
[ -x "$node_prefix/node_modules/node-linux-$arch/bin/node" ] ||
  npm install --prefix "$node_prefix" --no-save --no-audit --no-fund "node-linux-$arch@$IMAGE_NODE_VERSION"
npm_tgz=$cache/npm-$IMAGE_NPM_VERSION.tgz
if [ ! -f "$npm_tgz" ]; then
  (cd "$cache" && npm pack --silent "npm@$IMAGE_NPM_VERSION" >/dev/null)
fi

echo "=== base image $BASE_IMAGE"
ctr=$(ci_buildah from scratch)
trap 'ci_buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt=$(ci_buildah mount "$ctr")
tar -C "$mnt" -xf "$rootfs_tar"
install -m 755 "$node_prefix/node_modules/node-linux-$arch/bin/node" "$mnt/usr/local/bin/node"
mkdir -p "$mnt/usr/local/lib/node_modules/npm"
tar -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$npm_tgz"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
echo "node:x:1000:1000::/home/node:/bin/bash" >>"$mnt/etc/passwd"
echo "node:x:1000:" >>"$mnt/etc/group"
install -d -o 1000 -g 1000 "$mnt/home/node"
install -D -m 644 /etc/ssl/certs/ca-certificates.crt "$mnt/usr/local/share/opsbot-ci/ca.pem"
ci_buildah umount "$ctr" >/dev/null
ci_buildah config --env NODE_EXTRA_CA_CERTS=/usr/local/share/opsbot-ci/ca.pem \
  --env NODE_VERSION="$IMAGE_NODE_VERSION" --cmd node "$ctr"
ci_buildah commit --quiet "$ctr" "$BASE_IMAGE" >/dev/null
