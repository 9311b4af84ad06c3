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
# Files the daemon would refuse: a symbolic link to nothing, a directory named .pem, a file
# that is not PEM. `trust list` names each as broken with its path (exit 1); the rest load.
ln -s ../nowhere/gone.pem etc/trust/dangling.pem
mkdir etc/trust/adir.pem
echo 'not a certificate' > etc/trust/garbage.pem
run trust list
run trust list --json
rm -r etc/trust/dangling.pem etc/trust/adir.pem etc/trust/garbage.pem
