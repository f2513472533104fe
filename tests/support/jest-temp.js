// One temporary folder per jest run: TMPDIR points into it, so every os.tmpdir() of the suite (helm
// values files, fake API servers, local PostgreSQL servers, umbrella charts, packages) lands there,
// and the teardown removes it whole, whatever a test left behind.
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = {
  setup() {
    const dir = mkdtempSync(path.join(tmpdir(), 'squash-tests-'));
    // The local PostgreSQL tests run initdb as the postgres user: it must be able to enter the folder.
    chmodSync(dir, 0o755);
    process.env.SQUASH_TEST_TMP = dir;
    process.env.TMPDIR = dir;
  },
  teardown() {
    const dir = process.env.SQUASH_TEST_TMP;
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
};
