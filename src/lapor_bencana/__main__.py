from lapor_bencana.cli import main

main()
