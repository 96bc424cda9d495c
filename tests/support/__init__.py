"""What several test modules share: running the CLI and builds, browsers, system tools, data builders
and the disclosure attackers. Test modules import from here, never from each other."""
