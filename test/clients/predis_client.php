<?php
// predis_client.php probe SENTINELS NAME: Debian's Predis 1.1 (php-predis)
// finds the master through the sentinels, writes and reads it with the
// service user, and prints one JSON line. Predis drops the username and
// password on its sentinel connections (SentinelReplication.php: "sentinels
// do not accept AUTH"), so this works only with the sentinels' default user
// open for discovery ([acl] sentinel-default-user = discovery). The
// password comes from the file named in RI_SECRETS, never from argv.
require 'Predis/Autoloader.php';
Predis\Autoloader::register();

if ($argc !== 4 || $argv[1] !== 'probe') {
    fwrite(STDERR, "usage: predis_client.php probe HOST:PORT,... NAME\n");
    exit(64);
}
$data = json_decode(file_get_contents(getenv('RI_SECRETS')), true)['data'];
$sentinels = array_map(function ($s) {
    return 'tcp://' . $s . '?timeout=0.5';
}, explode(',', $argv[2]));
$client = new Predis\Client($sentinels, [
    'replication' => 'sentinel',
    'service' => $argv[3],
    'parameters' => [
        'username' => $data['SERVICE_USERNAME'],
        'password' => $data['SERVICE_PASSWORD'],
    ],
]);
$key = 'predis:' . getmypid();
$client->set($key, 'hello');
$value = $client->get($key);
$client->del($key);
$master = $client->getConnection()->getMaster()->getParameters();
echo json_encode([
    'client' => 'predis ' . Predis\Client::VERSION,
    'master' => $master->host . ':' . $master->port,
    'read' => $value,
    'tls' => false,
]), "\n";
exit($value === 'hello' ? 0 : 1);
