from alchemesh.cli.main import main

raise SystemExit(main())
