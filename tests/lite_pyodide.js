// Install alfa-xl with micropip in Pyodide (npm package `pyodide`, run by Node), as xlwings
// Lite does from its requirements.txt, next to an xlwings other than the classic pin.
//
//   node lite_pyodide.js PYODIDE_DIR REQUEST.json
//
// REQUEST: {"boot": [micropip and packaging wheels], "first": [wheels installed before,
// without their dependencies: Lite's xlwings and the pure-Python dependencies], "wheel":
// alfa-xl's wheel, "provided": {"numpy": "2.4.6", ...}}. Every file is read from the host
// and written into Pyodide's file system; micropip installs them from there (emfs:), so
// nothing comes from the network: a requirement that is not already satisfied fails.
// Prints one JSON line: {"installed": {name: version}, "error": null or the message}.
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const [pyodideDir, requestFile] = process.argv.slice(2);
  const request = JSON.parse(fs.readFileSync(requestFile, "utf8"));
  const { loadPyodide } = require(path.join(pyodideDir, "pyodide.js"));
  const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: () => {}, stderr: () => {} });
  pyodide.FS.mkdirTree("/wheels");
  const inFs = (file) => {
    const target = "/wheels/" + path.basename(file);
    pyodide.FS.writeFile(target, fs.readFileSync(file));
    return target;
  };
  pyodide.globals.set("boot", pyodide.toPy(request.boot.map(inFs)));
  pyodide.globals.set("first", pyodide.toPy(request.first.map(inFs)));
  pyodide.globals.set("wheel", inFs(request.wheel));
  pyodide.globals.set("provided", pyodide.toPy(request.provided));
  const out = await pyodide.runPythonAsync(`
import importlib, importlib.metadata, json, sysconfig, zipfile

# micropip itself: Pyodide loads it from its CDN; here its wheel is unpacked in place
for w in boot:
    zipfile.ZipFile(w).extractall(sysconfig.get_paths()["purelib"])
importlib.invalidate_caches()
import micropip

error = None
try:
    for name, version in provided.items():  # Pyodide's own builds, as Lite has them loaded
        micropip.add_mock_package(name, version, modules={})
    await micropip.install(["emfs:" + w for w in first], deps=False)
    await micropip.install("emfs:" + wheel)  # with its dependencies, as requirements.txt does
except Exception as exc:
    error = f"{type(exc).__name__}: {exc}"
installed = {d.metadata["Name"].lower().replace("_", "-"): d.version for d in importlib.metadata.distributions()}
json.dumps({"installed": installed, "error": error})
`);
  process.stdout.write(out + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
