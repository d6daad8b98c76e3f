"""cchc_uploads — what may be read and published from content/ (docs/TRUST rules 3 and 4).

Everything under content/ comes from editors, so it is untrusted. Before Pelican reads anything
(`get_generators`, which fires on every run, also each rebuild of the preview), one walk of
content/ that never follows a link checks, by allowlist:

* no symbolic link at all (to a file or a folder, pointing out of content/ or inside it) and no
  special file (FIFO, device, socket): these stop the build at once (ContentError), because
  Pelican would otherwise read or publish what they point to (/etc/passwd, /dev/zero, a whole
  folder of the server);
* every folder is one of the table in rules.FOLDERS, every file has a type that folder accepts,
  and names are safe in an address and an HTML attribute;
* photos, audio, video and documents really are what their extension says (magic bytes; browsers
  sniff), and an SVG passes the allowlist parse of svg.py (no script, event attribute, external
  reference, DOCTYPE or entity).

Those problems join the build's problems (cchc.state; cchc_content stops the build at get_writer, before
anything is written), so an editor sees them together with every other problem. After the static
files are listed (`static_generator_finalized`) each one is checked again: a file Pelican would
copy must be a plain file inside content/images or content/media (a `{static}`/`{attach}` link
cannot publish anything else); any other is dropped and reported.

The nginx site (deploy/nginx/cchc-chilinh.conf) adds `Content-Security-Policy: sandbox` to
/images/ and /media/, so even a file these checks missed cannot run script on the portal's origin.
"""

from pelican import signals

from cchc import state

from . import rules


def register():
    signals.initialized.connect(state.start)
    signals.get_generators.connect(rules.check_content)
    signals.static_generator_finalized.connect(rules.check_static_files)
