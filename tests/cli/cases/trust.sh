# trust: import from a file and pasted PEM, list, show, verbose, delete, and refusals.
run trust list
run trust import test-root pki/root.pem
run trust import corp pki/ca-bundle.pem
run trust import pinned pki/mx1.pem
( cat pki/other-root.pem; echo; echo 'ignored after the blank line' ) > pasted.txt
STDIN=pasted.txt run trust import pasted
( cat pki/wildcard.pem; echo quit; cat pki/root.pem ) > quit.txt
STDIN=quit.txt run trust import pasted2 -
run trust list
run trust list --json
run trust show corp
run trust show test-root --verbose
run trust delete pasted2
run trust import test-root pki/root.pem
run trust import test-root pki/intermediate.pem --replace
run trust import ../escape pki/root.pem
run trust import keys pki/root.key
run trust import empty /dev/null
STDIN=/dev/null run trust import empty
run trust show missing
run trust delete missing
run trust frobnicate
ls etc/trust
