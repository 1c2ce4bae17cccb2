from alchemesh.cli.main import main

main()
