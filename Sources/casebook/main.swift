import CasebookCLI

CLI.main()
