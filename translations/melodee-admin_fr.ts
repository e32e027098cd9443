<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>ConnectionProblem</name>
    <message>
        <source>the default host</source>
        <translation>l’hôte par défaut</translation>
    </message>
    <message>
        <source>(your login name)</source>
        <translation>(votre nom de connexion)</translation>
    </message>
    <message>
        <source>Host: &quot;%1&quot; cannot be resolved to an address.</source>
        <translation>Hôte : « %1 » ne se résout en aucune adresse.</translation>
    </message>
    <message>
        <source>Host or port: nothing accepts connections at %1. Is the server running, and is this its port?</source>
        <translation>Hôte ou port : rien n’accepte de connexions à %1. Le serveur tourne-t-il, et est-ce bien son port ?</translation>
    </message>
    <message>
        <source>Host or port: %1 did not answer within the connect timeout (%2). Check the address, or allow more time.</source>
        <translation>Hôte ou port : %1 n’a pas répondu dans le délai de connexion (%2). Vérifiez l’adresse ou accordez plus de temps.</translation>
    </message>
    <message>
        <source>Password: the server asks for a password for user &quot;%1&quot;, and none was given.</source>
        <translation>Mot de passe : le serveur demande un mot de passe pour l’utilisateur « %1 », et aucun n’a été donné.</translation>
    </message>
    <message>
        <source>User or password: the server refused the password for user &quot;%1&quot; (or there is no such user).</source>
        <translation>Utilisateur ou mot de passe : le serveur a refusé le mot de passe de l’utilisateur « %1 » (ou cet utilisateur n’existe pas).</translation>
    </message>
    <message>
        <source>User: there is no user &quot;%1&quot; on the server.</source>
        <translation>Utilisateur : il n’y a pas d’utilisateur « %1 » sur le serveur.</translation>
    </message>
    <message>
        <source>Database: there is no database &quot;%1&quot; on the server.</source>
        <translation>Base de données : il n’y a pas de base « %1 » sur le serveur.</translation>
    </message>
    <message>
        <source>User or database: the server&apos;s pg_hba.conf does not let user &quot;%1&quot; connect to database &quot;%2&quot; from this machine with SSL mode &quot;%3&quot;.</source>
        <translation>Utilisateur ou base : le pg_hba.conf du serveur ne permet pas à l’utilisateur « %1 » de se connecter à la base « %2 » depuis cette machine avec le mode SSL « %3 ».</translation>
    </message>
    <message>
        <source>SSL mode: &quot;%1&quot; requires TLS, and the server does not offer it.</source>
        <translation>Mode SSL : « %1 » exige TLS, et le serveur ne le propose pas.</translation>
    </message>
    <message>
        <source>Root CA: SSL mode &quot;%1&quot; checks the server&apos;s certificate, and no readable root CA file is set.</source>
        <translation>AC racine : le mode SSL « %1 » vérifie le certificat du serveur, et aucun fichier d’AC racine lisible n’est indiqué.</translation>
    </message>
    <message>
        <source>Root CA: the server&apos;s certificate is not signed by the root CA &quot;%1&quot;.</source>
        <translation>AC racine : le certificat du serveur n’est pas signé par l’AC racine « %1 ».</translation>
    </message>
    <message>
        <source>Host: the server&apos;s certificate is not valid for &quot;%1&quot;; use the name in the certificate, or SSL mode verify-ca.</source>
        <translation>Hôte : le certificat du serveur n’est pas valable pour « %1 » ; utilisez le nom du certificat, ou le mode SSL verify-ca.</translation>
    </message>
    <message>
        <source>Client certificate or key: the file cannot be used.</source>
        <translation>Certificat ou clé client : le fichier est inutilisable.</translation>
    </message>
    <message>
        <source>The server at %1 refused the connection.</source>
        <translation>Le serveur à %1 a refusé la connexion.</translation>
    </message>
    <message>
        <source>Server said: %1</source>
        <translation>Le serveur a répondu : %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Administration of the PostgreSQL database of the Melodee music server.</source>
        <translation>Administration de la base de données PostgreSQL du serveur musical Melodee.</translation>
    </message>
    <message>
        <source>Read Melodee&apos;s YAML config FILE.</source>
        <translation>Lire la configuration YAML FILE de Melodee.</translation>
    </message>
    <message>
        <source>Connect with a libpq conninfo string or a postgres:// URI.</source>
        <translation>Se connecter avec une chaîne conninfo libpq ou une URI postgres://.</translation>
    </message>
    <message>
        <source>Connect with the saved profile NAME.</source>
        <translation>Se connecter avec le profil enregistré NAME.</translation>
    </message>
    <message>
        <source>Open VIEW: dashboard, migrations, partitions or songs.</source>
        <translation>Ouvrir la vue VIEW&#xa0;: dashboard, migrations, partitions ou songs.</translation>
    </message>
    <message>
        <source>Check that the plugins load and the main window shows, then exit.</source>
        <translation>Vérifier que les plugins se chargent et que la fenêtre principale s’affiche, puis quitter.</translation>
    </message>
</context>
<context>
    <name>melodee::AboutDialog</name>
    <message>
        <source>About Melodee Admin</source>
        <translation>À propos de Melodee Admin</translation>
    </message>
    <message>
        <source>About</source>
        <translation>À propos</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>Licences</translation>
    </message>
    <message>
        <source>Third-party notices</source>
        <translation>Mentions des composants tiers</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Melodee Admin %1&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Melodee Admin %1&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Administers the PostgreSQL database of a Melodee music server.</source>
        <translation>Administre la base de données PostgreSQL d’un serveur musical Melodee.</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version&#xa0;:</translation>
    </message>
    <message>
        <source>Compiler:</source>
        <translation>Compilateur&#xa0;:</translation>
    </message>
    <message>
        <source>Built with Qt:</source>
        <translation>Compilé avec Qt&#xa0;:</translation>
    </message>
    <message>
        <source>Running on Qt:</source>
        <translation>Exécuté avec Qt&#xa0;:</translation>
    </message>
    <message>
        <source>libpq:</source>
        <translation>libpq&#xa0;:</translation>
    </message>
    <message>
        <source>Build date:</source>
        <translation>Date de compilation&#xa0;:</translation>
    </message>
    <message>
        <source>Platform:</source>
        <translation>Plateforme&#xa0;:</translation>
    </message>
    <message>
        <source>Melodee Admin is free software under the MIT licence. The libraries it uses keep their own licences, listed in the next tab.</source>
        <translation>Melodee Admin est un logiciel libre sous licence MIT. Les bibliothèques qu’il utilise conservent leurs propres licences, listées dans l’onglet suivant.</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Composant</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
</context>
<context>
    <name>melodee::ActivityModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 j %2 h</translation>
    </message>
    <message>
        <source>local socket</source>
        <translation>socket local</translation>
    </message>
    <message>
        <source>State since %1</source>
        <translation>État depuis %1</translation>
    </message>
    <message>
        <source>Query started %1</source>
        <translation>Requête démarrée %1</translation>
    </message>
    <message>
        <source>Transaction started %1</source>
        <translation>Transaction démarrée %1</translation>
    </message>
    <message>
        <source>pid %1 · %2</source>
        <translation>PID %1 · %2</translation>
    </message>
    <message>
        <source>Connected %1</source>
        <translation>Connecté %1</translation>
    </message>
    <message>
        <source>Ours: the connection that read this list</source>
        <translation>La nôtre : la connexion qui a lu cette liste</translation>
    </message>
    <message>
        <source>Ours: a connection of this application&apos;s pool</source>
        <translation>La nôtre : une connexion du pool de cette application</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Application</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Wait event</source>
        <translation>Événement d’attente</translation>
    </message>
    <message>
        <source>In state</source>
        <translation>Dans l’état</translation>
    </message>
    <message>
        <source>Query age</source>
        <translation>Âge de la requête</translation>
    </message>
    <message>
        <source>Transaction</source>
        <translation>Transaction</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Requête</translation>
    </message>
</context>
<context>
    <name>melodee::ActivityPanel</name>
    <message>
        <source>Server activity</source>
        <translation>Activité du serveur</translation>
    </message>
    <message>
        <source>All databases</source>
        <translation>Toutes les bases</translation>
    </message>
    <message>
        <source>Also list sessions of other databases and the server&apos;s background processes</source>
        <translation>Lister aussi les sessions des autres bases et les processus d’arrière-plan du serveur</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Cancel query</source>
        <translation>Annuler la requête</translation>
    </message>
    <message>
        <source>Ask the server to cancel the selected session&apos;s running query (pg_cancel_backend)</source>
        <translation>Demander au serveur d’annuler la requête en cours de la session choisie (pg_cancel_backend)</translation>
    </message>
    <message>
        <source>Terminate session…</source>
        <translation>Terminer la session…</translation>
    </message>
    <message>
        <source>End the selected session and its connection (pg_terminate_backend)</source>
        <translation>Terminer la session choisie et sa connexion (pg_terminate_backend)</translation>
    </message>
    <message>
        <source>Copy query</source>
        <translation>Copier la requête</translation>
    </message>
    <message>
        <source>Could not read the server&apos;s sessions: %1</source>
        <translation>Impossible de lire les sessions du serveur : %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Reading sessions…</source>
        <translation>Lecture des sessions…</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) on the server</source>
        <translation>
            <numerusform>%n session sur le serveur</numerusform>
            <numerusform>%n sessions sur le serveur</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) in %1</source>
        <translation>
            <numerusform>%n session dans %1</numerusform>
            <numerusform>%n sessions dans %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of ours (highlighted)</source>
        <translation>
            <numerusform>%n des nôtres (en surbrillance)</numerusform>
            <numerusform>%n des nôtres (en surbrillance)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more in other databases or background processes</source>
        <translation>
            <numerusform>%n de plus dans d’autres bases ou processus d’arrière-plan</numerusform>
            <numerusform>%n de plus dans d’autres bases ou processus d’arrière-plan</numerusform>
        </translation>
    </message>
    <message>
        <source>Terminate session %1 (%2, user %3)?

Its connection is closed and a transaction in progress is rolled back.</source>
        <translation>Terminer la session %1 (%2, utilisateur %3) ?

Sa connexion est fermée et une transaction en cours est annulée.</translation>
    </message>
    <message>
        <source>This is a connection of this application&apos;s own pool; the pool opens a new one when needed.</source>
        <translation>C’est une connexion du pool de cette application ; le pool en ouvre une nouvelle au besoin.</translation>
    </message>
    <message>
        <source>Terminate session</source>
        <translation>Terminer la session</translation>
    </message>
    <message>
        <source>Terminate</source>
        <translation>Terminer</translation>
    </message>
    <message>
        <source>Could not terminate pid %1 (%2): %3</source>
        <translation>Impossible de terminer le PID %1 (%2) : %3</translation>
    </message>
    <message>
        <source>Could not cancel the query of pid %1 (%2): %3</source>
        <translation>Impossible d’annuler la requête du PID %1 (%2) : %3</translation>
    </message>
    <message>
        <source>Terminated pid %1 (%2).</source>
        <translation>PID %1 (%2) terminé.</translation>
    </message>
    <message>
        <source>Cancel sent to pid %1 (%2): its running query ends with an error.</source>
        <translation>Annulation envoyée au PID %1 (%2) : sa requête en cours se termine par une erreur.</translation>
    </message>
    <message>
        <source>pid %1 (%2) is %3 and runs no query: nothing to cancel.</source>
        <translation>Le PID %1 (%2) est %3 et n’exécute aucune requête : rien à annuler.</translation>
    </message>
    <message>
        <source>pid %1 was an idle connection of our own pool; the pool closed it.</source>
        <translation>Le PID %1 était une connexion inactive de notre pool ; le pool l’a fermée.</translation>
    </message>
    <message>
        <source>Terminate sent to pid %1 (%2), but it had not exited after 5 s.</source>
        <translation>Arrêt envoyé au PID %1 (%2), mais il tournait encore après 5 s.</translation>
    </message>
</context>
<context>
    <name>melodee::ConnectionProfilesDialog</name>
    <message>
        <source>Connection profiles</source>
        <translation>Profils de connexion</translation>
    </message>
    <message>
        <source>Connecting… %1 s (gives up after %2)</source>
        <translation>Connexion…&#xa0;%1 s (abandon après %2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Choisir un fichier</translation>
    </message>
    <message>
        <source>&amp;Profiles</source>
        <translation>&amp;Profils</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Nouveau</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>e.g. production</source>
        <translation>p. ex. production</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>No&amp;m&#xa0;:</translation>
    </message>
    <message>
        <source>default: local socket or PGHOST</source>
        <translation>par défaut&#xa0;: socket local ou PGHOST</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Hôte&#xa0;:</translation>
    </message>
    <message>
        <source>default (5432)</source>
        <translation>par défaut (5432)</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Base de données&#xa0;:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>Connect &amp;timeout:</source>
        <translation>Délai de &amp;connexion&#xa0;:</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>default (prefer)</source>
        <translation>par défaut (prefer)</translation>
    </message>
    <message>
        <source>SSL &amp;mode:</source>
        <translation>&amp;Mode SSL&#xa0;:</translation>
    </message>
    <message>
        <source>Certificates (*.crt *.pem *.cer);;All files (*)</source>
        <translation>Certificats (*.crt *.pem *.cer);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Root CA (sslrootcert):</source>
        <translation>AC racine (sslrootcert)&#xa0;:</translation>
    </message>
    <message>
        <source>Client certificate (sslcert):</source>
        <translation>Certificat client (sslcert)&#xa0;:</translation>
    </message>
    <message>
        <source>Client key (sslkey):</source>
        <translation>Clé client (sslkey)&#xa0;:</translation>
    </message>
    <message>
        <source>Keys (*.key *.pem);;All files (*)</source>
        <translation>Clés (*.key *.pem);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>illimité</translation>
    </message>
    <message>
        <source>Max &amp;open connections:</source>
        <translation>Connexions &amp;ouvertes max.&#xa0;:</translation>
    </message>
    <message>
        <source>Max &amp;idle connections:</source>
        <translation>Connexions &amp;inactives max.&#xa0;:</translation>
    </message>
    <message>
        <source>e.g. 30m; 0 = no limit</source>
        <translation>p. ex. 30m&#xa0;; 0 = sans limite</translation>
    </message>
    <message>
        <source>Connection &amp;lifetime:</source>
        <translation>Durée de &amp;vie des connexions&#xa0;:</translation>
    </message>
    <message>
        <source>e.g. 15m; 0 = no limit</source>
        <translation>p. ex. 15m&#xa0;; 0 = sans limite</translation>
    </message>
    <message>
        <source>Max idle &amp;time:</source>
        <translation>&amp;Temps d’inactivité max.&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Import Melodee config…</source>
        <translation>&amp;Importer une configuration Melodee…</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Connecter</translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation>Délai de connexion</translation>
    </message>
    <message>
        <source>Connection lifetime</source>
        <translation>Durée de vie des connexions</translation>
    </message>
    <message>
        <source>Max idle time</source>
        <translation>Temps d’inactivité max.</translation>
    </message>
    <message>
        <source>%1: the file &quot;%2&quot; cannot be read.</source>
        <translation>%1&#xa0;: le fichier «&#xa0;%2&#xa0;» ne peut pas être lu.</translation>
    </message>
    <message>
        <source>Name: enter a name to save this profile.</source>
        <translation>Nom&#xa0;: saisissez un nom pour enregistrer ce profil.</translation>
    </message>
    <message>
        <source>Name: &quot;%1&quot; is not a valid profile name (letters, digits, space, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;; starting with a letter or digit; at most 64).</source>
        <translation>Nom&#xa0;: «&#xa0;%1&#xa0;» n’est pas un nom de profil valide (lettres, chiffres, espace, &apos;.&apos;, &apos;_&apos; et &apos;-&apos;&#xa0;; commençant par une lettre ou un chiffre&#xa0;; 64 au plus).</translation>
    </message>
    <message>
        <source>Cancel &amp;test</source>
        <translation>&amp;Annuler le test</translation>
    </message>
    <message>
        <source>Looking for the OS keychain…</source>
        <translation>Recherche du trousseau du système…</translation>
    </message>
    <message>
        <source>Reading the saved password from the keychain…</source>
        <translation>Lecture du mot de passe enregistré dans le trousseau…</translation>
    </message>
    <message>
        <source>A password is saved in the OS keychain; type here to replace it.</source>
        <translation>Un mot de passe est enregistré dans le trousseau du système&#xa0;; saisissez-en un ici pour le remplacer.</translation>
    </message>
    <message>
        <source>Saving stores the password in the OS keychain, never in a file.</source>
        <translation>L’enregistrement place le mot de passe dans le trousseau du système, jamais dans un fichier.</translation>
    </message>
    <message>
        <source>The OS keychain is not available, so the password is not saved: enter it here each time you connect.</source>
        <translation>Le trousseau du système n’est pas disponible, le mot de passe n’est donc pas enregistré&#xa0;: saisissez-le ici à chaque connexion.</translation>
    </message>
    <message>
        <source>saved in the keychain</source>
        <translation>enregistré dans le trousseau</translation>
    </message>
    <message>
        <source>Could not read the saved password: %1</source>
        <translation>Impossible de lire le mot de passe enregistré&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistré&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not saved: a profile named &quot;%1&quot; already exists.</source>
        <translation>Non enregistré&#xa0;: un profil nommé «&#xa0;%1&#xa0;» existe déjà.</translation>
    </message>
    <message>
        <source>Saved profile &quot;%1&quot;.</source>
        <translation>Profil «&#xa0;%1&#xa0;» enregistré.</translation>
    </message>
    <message>
        <source>The profile was saved but its password was not: %1</source>
        <translation>Le profil a été enregistré, mais pas son mot de passe&#xa0;: %1</translation>
    </message>
    <message>
        <source>Storing the password in the keychain…</source>
        <translation>Enregistrement du mot de passe dans le trousseau…</translation>
    </message>
    <message>
        <source>The password was not saved (no keychain); it stays in this form until the dialog closes.</source>
        <translation>Le mot de passe n’a pas été enregistré (pas de trousseau)&#xa0;; il reste dans ce formulaire jusqu’à la fermeture de la fenêtre.</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>Supprimer le profil</translation>
    </message>
    <message>
        <source>Delete the connection profile &quot;%1&quot; and its saved password?</source>
        <translation>Supprimer le profil de connexion «&#xa0;%1&#xa0;» et son mot de passe enregistré&#xa0;?</translation>
    </message>
    <message>
        <source>Deleted profile &quot;%1&quot;.</source>
        <translation>Profil «&#xa0;%1&#xa0;» supprimé.</translation>
    </message>
    <message>
        <source>Cannot test: %1</source>
        <translation>Test impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Test cancelled.</source>
        <translation>Test annulé.</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>utilisé</translation>
    </message>
    <message>
        <source>not in use</source>
        <translation>non utilisé</translation>
    </message>
    <message>
        <source>Connected: PostgreSQL %1, database &quot;%2&quot; as &quot;%3&quot;.
Connect %4 ms, SELECT 1 %5 ms. TLS: %6.</source>
        <translation>Connecté&#xa0;: PostgreSQL %1, base «&#xa0;%2&#xa0;» en tant que «&#xa0;%3&#xa0;».
Connexion %4 ms, SELECT 1 %5 ms. TLS&#xa0;: %6.</translation>
    </message>
    <message>
        <source>Import Melodee config</source>
        <translation>Importer une configuration Melodee</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml);;All files (*)</source>
        <translation>Fichiers YAML (*.yaml *.yml);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Could not import &quot;%1&quot;:
%2</source>
        <translation>Impossible d’importer «&#xa0;%1&#xa0;»&#xa0;:
%2</translation>
    </message>
    <message>
        <source>Imported the database settings of &quot;%1&quot;. Review them and Save.</source>
        <translation>Paramètres de base de données de «&#xa0;%1&#xa0;» importés. Vérifiez-les, puis enregistrez.</translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation>Avertissements&#xa0;:</translation>
    </message>
    <message>
        <source>Cannot connect: %1</source>
        <translation>Connexion impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 (it is still stored under &quot;%2&quot;)</source>
        <translation>%1 (il reste enregistré sous « %2 »)</translation>
    </message>
    <message>
        <source>it was copied to &quot;%1&quot; but could not be removed from &quot;%2&quot;: %3</source>
        <translation>il a été copié vers « %1 » mais n’a pas pu être retiré de « %2 » : %3</translation>
    </message>
    <message>
        <source>Moving the password in the keychain…</source>
        <translation>Déplacement du mot de passe dans le trousseau…</translation>
    </message>
    <message>
        <source>The saved password belongs to the server this profile had before; enter the password for the new host and port.</source>
        <translation>Le mot de passe enregistré appartient au serveur que ce profil désignait auparavant&#xa0;; saisissez le mot de passe du nouvel hôte et du nouveau port.</translation>
    </message>
    <message>
        <source>Its saved password was for the previous server and was removed from the keychain.</source>
        <translation>Son mot de passe enregistré concernait le serveur précédent et a été retiré du trousseau.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a duration (%3). Use a number with a unit, such as 30m, 1h30m, 90s or 500ms.</source>
        <translation>%1 : « %2 » n’est pas une durée (%3). Utilisez un nombre avec une unité, par exemple 30m, 1h30m, 90s ou 500ms.</translation>
    </message>
    <message>
        <source>Root CA</source>
        <translation>AC racine</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Certificat client</translation>
    </message>
    <message>
        <source>Client key</source>
        <translation>Clé client</translation>
    </message>
    <message>
        <source>Max idle connections (%1) is above max open connections (%2): it will be lowered to %2.</source>
        <translation>Le maximum de connexions inactives (%1) dépasse le maximum de connexions ouvertes (%2) : il sera ramené à %2.</translation>
    </message>
    <message>
        <source>Connection failed after %1 s.
%2</source>
        <translation>Échec de la connexion après %1 s.
%2</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Modifications non enregistrées</translation>
    </message>
    <message>
        <source>The new profile has not been saved. Discard it?</source>
        <translation>Le nouveau profil n’a pas été enregistré. L’abandonner ?</translation>
    </message>
    <message>
        <source>The changes to &quot;%1&quot; have not been saved. Discard them?</source>
        <translation>Les modifications de « %1 » n’ont pas été enregistrées. Les abandonner ?</translation>
    </message>
    <message>
        <source>How long to wait for the server, such as 10s or 1m. libpq waits at least 2s.</source>
        <translation>Durée d’attente du serveur, par exemple 10s ou 1m. libpq attend au moins 2s.</translation>
    </message>
</context>
<context>
    <name>melodee::ConnectionSession</name>
    <message>
        <source>local socket</source>
        <translation>socket local</translation>
    </message>
</context>
<context>
    <name>melodee::ConversionDialog</name>
    <message>
        <source>Convert a table to monthly partitions</source>
        <translation>Convertir une table en partitions mensuelles</translation>
    </message>
    <message>
        <source>A plain table in the current schema, e.g. tracks</source>
        <translation>Une table simple du schéma courant, p. ex. tracks</translation>
    </message>
    <message>
        <source>A timestamptz, timestamp or date column, e.g. created_at</source>
        <translation>Une colonne timestamptz, timestamp ou date, p. ex. created_at</translation>
    </message>
    <message>
        <source>&amp;Plan (dry run)</source>
        <translation>&amp;Planifier (essai à blanc)</translation>
    </message>
    <message>
        <source>Read the catalog and show what the conversion will do; nothing is changed</source>
        <translation>Lire le catalogue et montrer ce que fera la conversion ; rien n’est modifié</translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation>&amp;Table :</translation>
    </message>
    <message>
        <source>Partition &amp;column:</source>
        <translation>&amp;Colonne de partition :</translation>
    </message>
    <message>
        <source>I &amp;reviewed this plan</source>
        <translation>J’ai &amp;relu ce plan</translation>
    </message>
    <message>
        <source>Reviewer name (recorded with the plan&apos;s hash)</source>
        <translation>Nom du relecteur (enregistré avec le hachage du plan)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Appliquer</translation>
    </message>
    <message>
        <source>Convert exactly the reviewed plan (refused if it changed)</source>
        <translation>Convertir exactement le plan relu (refusé s’il a changé)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Progress: batches copied, verification, retries of the swap</source>
        <translation>Progression : lots copiés, vérification, nouvelles tentatives de l’échange</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Planification…</translation>
    </message>
    <message>
        <source>planning cancelled</source>
        <translation>planification annulée</translation>
    </message>
    <message>
        <source>No plan: %1</source>
        <translation>Aucun plan : %1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>erreur : %1</translation>
    </message>
    <message>
        <source>Plan %1, in progress: Apply resumes it.</source>
        <translation>Plan %1, en cours : Appliquer le reprend.</translation>
    </message>
    <message numerus="yes">
        <source>Plan %1: %n month partition(s) and a default.</source>
        <translation>
            <numerusform>Plan %1 : %n partition mensuelle et une partition par défaut.</numerusform>
            <numerusform>Plan %1 : %n partitions mensuelles et une partition par défaut.</numerusform>
        </translation>
    </message>
    <message>
        <source>dry run: plan %1 for %2 by %3</source>
        <translation>essai à blanc : plan %1 pour %2 par %3</translation>
    </message>
    <message>
        <source>foreign key %1 (%2 -&gt; %3): %4</source>
        <translation>clé étrangère %1 (%2 -&gt; %3) : %4</translation>
    </message>
    <message>
        <source>key %1 widened to (%2)</source>
        <translation>clé %1 élargie à (%2)</translation>
    </message>
    <message>
        <source>%1 renamed to %2, the partitioned copy renamed to %1</source>
        <translation>%1 renommée en %2, la copie partitionnée renommée en %1</translation>
    </message>
    <message>
        <source>apply refused by the production guard</source>
        <translation>application refusée par la protection de production</translation>
    </message>
    <message>
        <source>Not converted: the production guard needs confirmation for %1</source>
        <translation>Non converti : la protection de production demande une confirmation pour %1</translation>
    </message>
    <message>
        <source>production guard: confirmed by %1</source>
        <translation>protection de production : confirmé par %1</translation>
    </message>
    <message>
        <source>Converting…</source>
        <translation>Conversion…</translation>
    </message>
    <message>
        <source>convert %1 by %2, plan %3, reviewed by %4</source>
        <translation>convertir %1 par %2, plan %3, relu par %4</translation>
    </message>
    <message numerus="yes">
        <source>%1 converted (plan %2): %3 rows in %n month(s) verified; the old table is %4.</source>
        <translation>
            <numerusform>%1 convertie (plan %2) : %3 lignes vérifiées sur %n mois ; l’ancienne table est %4.</numerusform>
            <numerusform>%1 convertie (plan %2) : %3 lignes vérifiées sur %n mois ; l’ancienne table est %4.</numerusform>
        </translation>
    </message>
    <message>
        <source>conversion cancelled; Plan and Apply again to resume it</source>
        <translation>conversion annulée ; Planifier puis Appliquer la reprend</translation>
    </message>
    <message>
        <source>Conversion cancelled. Nothing was swapped; the rows copied so far are kept, and applying the plan again resumes it.</source>
        <translation>Conversion annulée. Rien n’a été échangé ; les lignes déjà copiées sont conservées, et appliquer le plan à nouveau la reprend.</translation>
    </message>
    <message>
        <source>conversion failed: %1</source>
        <translation>échec de la conversion : %1</translation>
    </message>
    <message>
        <source>Conversion failed: %1</source>
        <translation>Échec de la conversion : %1</translation>
    </message>
    <message>
        <source>copying: %p%</source>
        <translation>copie : %p%</translation>
    </message>
    <message>
        <source>verifying…</source>
        <translation>vérification…</translation>
    </message>
    <message>
        <source>swapping…</source>
        <translation>échange…</translation>
    </message>
    <message>
        <source>cancel requested</source>
        <translation>annulation demandée</translation>
    </message>
</context>
<context>
    <name>melodee::ConversionFindingsModel</name>
    <message>
        <source>primary key %1 (%2)</source>
        <translation>clé primaire %1 (%2)</translation>
    </message>
    <message>
        <source>unique key %1 (%2)</source>
        <translation>clé unique %1 (%2)</translation>
    </message>
    <message>
        <source>kept as it is</source>
        <translation>conservée telle quelle</translation>
    </message>
    <message>
        <source>becomes (%1)</source>
        <translation>devient (%1)</translation>
    </message>
    <message>
        <source>incoming foreign key %1: %2 -&gt; %3</source>
        <translation>clé étrangère entrante %1 : %2 -&gt; %3</translation>
    </message>
    <message>
        <source>outgoing foreign key %1: %2 -&gt; %3</source>
        <translation>clé étrangère sortante %1 : %2 -&gt; %3</translation>
    </message>
    <message>
        <source>note</source>
        <translation>remarque</translation>
    </message>
    <message>
        <source>Key or foreign key</source>
        <translation>Clé ou clé étrangère</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>Ce qui se passe</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Pourquoi</translation>
    </message>
</context>
<context>
    <name>melodee::DashboardView</name>
    <message>
        <source>Dashboard</source>
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouvertes</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>utilisé</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>inactives</translation>
    </message>
    <message>
        <source>max open</source>
        <translation>max. ouvertes</translation>
    </message>
    <message>
        <source>max idle</source>
        <translation>max. inactives</translation>
    </message>
    <message>
        <source>Waits per second</source>
        <translation>Attentes par seconde</translation>
    </message>
    <message>
        <source>waits/s</source>
        <translation>attentes/s</translation>
    </message>
    <message>
        <source>1/s</source>
        <translation>1/s</translation>
    </message>
    <message>
        <source>Average wait</source>
        <translation>Attente moyenne</translation>
    </message>
    <message>
        <source>avg wait</source>
        <translation>attente moy.</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <source>Pool settings (runtime)</source>
        <translation>Réglages du pool (en cours d’exécution)</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>illimité</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Appliquer</translation>
    </message>
    <message>
        <source>Max open</source>
        <translation>Max. ouvertes</translation>
    </message>
    <message>
        <source>Max idle</source>
        <translation>Max. inactives</translation>
    </message>
    <message>
        <source>Load test (acquire, SELECT 1, release)</source>
        <translation>Test de charge (acquisition, SELECT 1, libération)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Run load test</source>
        <translation>Lancer le test de charge</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Checking %1 …</source>
        <translation>Vérification de %1 …</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source> — %1 ms round trip</source>
        <translation> — %1 ms aller-retour</translation>
    </message>
    <message>
        <source>Running %1 workers for %2 s …</source>
        <translation>Exécution de %1 workers pendant %2 s …</translation>
    </message>
    <message>
        <source>Cancelled after </source>
        <translation>Annulé après </translation>
    </message>
    <message>
        <source>
First error: %1</source>
        <translation>
Première erreur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Acquire latency p99 (each second)</source>
        <translation>Latence d’obtention p99 (par seconde)</translation>
    </message>
    <message>
        <source>Cancelled before it started</source>
        <translation>Annulé avant de commencer</translation>
    </message>
    <message>
        <source>Load test failed: %1</source>
        <translation>Échec du test de charge : %1</translation>
    </message>
    <message>
        <source>%1%2 ops in %3 s: %4 ops/s, latency p50 %5 ms, p99 %6 ms, %7 errors</source>
        <translation>%1%2 opérations en %3 s : %4 ops/s, latence p50 %5 ms, p99 %6 ms, %7 erreurs</translation>
    </message>
</context>
<context>
    <name>melodee::ErrorBanner</name>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
</context>
<context>
    <name>melodee::LockWaitModel</name>
    <message>
        <source>Waiting pid</source>
        <translation>PID en attente</translation>
    </message>
    <message>
        <source>Blocked by</source>
        <translation>Bloquée par</translation>
    </message>
    <message>
        <source>Waiting for</source>
        <translation>Attend depuis</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Verrou</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Application</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Requête</translation>
    </message>
</context>
<context>
    <name>melodee::LogDock</name>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>&amp;Niveau&#xa0;:</translation>
    </message>
    <message>
        <source>Filter by category or message</source>
        <translation>Filtrer par catégorie ou message</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Effacer</translation>
    </message>
</context>
<context>
    <name>melodee::LogModel</name>
    <message>
        <source>Debug</source>
        <translation>Débogage</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avertissement</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Fatal</source>
        <translation>Fatal</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Niveau</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
</context>
<context>
    <name>melodee::MainWindow</name>
    <message>
        <source>Melodee Admin</source>
        <translation>Melodee Admin</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>Connection &amp;profiles…</source>
        <translation>&amp;Profils de connexion…</translation>
    </message>
    <message>
        <source>&amp;Check health now</source>
        <translation>&amp;Vérifier l’état maintenant</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Déconnecter</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Journal</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About Melodee Admin</source>
        <translation>&amp;À propos de Melodee Admin</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <source>Configuration error</source>
        <translation>Erreur de configuration</translation>
    </message>
    <message>
        <source>The configuration cannot be used, so Melodee Admin starts without a connection.</source>
        <translation>La configuration est inutilisable&#xa0;: Melodee Admin démarre donc sans connexion.</translation>
    </message>
    <message>
        <source>Reading the password of &quot;%1&quot; from the keychain…</source>
        <translation>Lecture du mot de passe de «&#xa0;%1&#xa0;» dans le trousseau…</translation>
    </message>
    <message>
        <source>Password for %1</source>
        <translation>Mot de passe pour %1</translation>
    </message>
    <message>
        <source>The OS keychain is not available (%1).
Enter the password for %2; it is kept only in memory:</source>
        <translation>Le trousseau du système n’est pas disponible (%1).
Saisissez le mot de passe pour %2&#xa0;; il n’est conservé qu’en mémoire&#xa0;:</translation>
    </message>
    <message>
        <source>Not connected: open File → Connection profiles… (%1)</source>
        <translation>Non connecté&#xa0;: ouvrez Fichier → Profils de connexion… (%1)</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de données&#xa0;: %1</translation>
    </message>
    <message>
        <source>Database: %1 (profile &quot;%2&quot;)</source>
        <translation>Base de données&#xa0;: %1 (profil «&#xa0;%2&#xa0;»)</translation>
    </message>
    <message>
        <source>%1 — Melodee Admin</source>
        <translation>%1 — Melodee Admin</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>sain</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>dégradé</translation>
    </message>
    <message>
        <source>unhealthy</source>
        <translation>défaillant</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>vérification…</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>non connecté</translation>
    </message>
    <message>
        <source>not in use</source>
        <translation>non utilisé</translation>
    </message>
    <message>
        <source>Checked at %1</source>
        <translation>Vérifié à %1</translation>
    </message>
    <message>
        <source>SELECT 1 in %1 ms</source>
        <translation>SELECT 1 en %1 ms</translation>
    </message>
    <message>
        <source>PostgreSQL %1, database &quot;%2&quot;; TLS: %3</source>
        <translation>PostgreSQL %1, base «&#xa0;%2&#xa0;»&#xa0;; TLS&#xa0;: %3</translation>
    </message>
    <message>
        <source>Pool: %1 open, %2 in use, %3 idle (max %4)</source>
        <translation>Pool&#xa0;: %1 ouvertes, %2 utilisées, %3 inactives (max. %4)</translation>
    </message>
    <message>
        <source>L&amp;anguage</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>The language changes to %1 the next time you start Melodee Admin.</source>
        <translation>La langue passera à %1 au prochain démarrage de Melodee Admin.</translation>
    </message>
    <message>
        <source>Schema: …</source>
        <translation>Schéma : …</translation>
    </message>
    <message>
        <source>Schema: not recognised</source>
        <translation>Schéma : non reconnu</translation>
    </message>
    <message>
        <source>Schema: Melodee v%1</source>
        <translation>Schéma : Melodee v%1</translation>
    </message>
    <message>
        <source>Schema: melodee-next (songs read-only)</source>
        <translation>Schéma : melodee-next (morceaux en lecture seule)</translation>
    </message>
    <message>
        <source>Schema: unknown</source>
        <translation>Schéma : inconnu</translation>
    </message>
    <message>
        <source>Not available here:</source>
        <translation>Non disponible ici :</translation>
    </message>
</context>
<context>
    <name>melodee::MigrationListModel</name>
    <message>
        <source>Pending plan</source>
        <translation>Plan en attente</translation>
    </message>
    <message numerus="yes">
        <source>%n pending</source>
        <translation>
            <numerusform>%n en attente</numerusform>
            <numerusform>%n en attente</numerusform>
        </translation>
    </message>
    <message>
        <source>Everything an apply would run now, in order, grouped by phase</source>
        <translation>Tout ce qu’une application exécuterait maintenant, dans l’ordre, groupé par phase</translation>
    </message>
    <message>
        <source>SHA-256 of the file: %1</source>
        <translation>SHA-256 du fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>
recorded when applied: %1</source>
        <translation>
enregistrée lors de l’application&#xa0;: %1</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Checksum</source>
        <translation>Somme de contrôle</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>Relecteur</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
    <message>
        <source>applied %1 by %2 in %3 ms, plan %4</source>
        <translation>appliquée le %1 par %2 en %3 ms, plan %4</translation>
    </message>
    <message>
        <source>Applied (UTC)</source>
        <translation>Appliquée (UTC)</translation>
    </message>
</context>
<context>
    <name>melodee::MigrationSqlPane</name>
    <message>
        <source>production applies it only after an explicit confirmation</source>
        <translation>production ne l’applique qu’après une confirmation explicite</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Ligne</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Règle</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Constat</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Correction</translation>
    </message>
    <message>
        <source>Pending plan: nothing to do</source>
        <translation>Plan en attente&#xa0;: rien à faire</translation>
    </message>
    <message>
        <source>Pending plan %1, exactly what Apply runs</source>
        <translation>Plan en attente %1, exactement ce qu’exécute Appliquer</translation>
    </message>
    <message>
        <source>transactional</source>
        <translation>transactionnelle</translation>
    </message>
    <message>
        <source>non-transactional</source>
        <translation>non transactionnelle</translation>
    </message>
    <message>
        <source>reversible</source>
        <translation>réversible</translation>
    </message>
    <message>
        <source>irreversible</source>
        <translation>irréversible</translation>
    </message>
    <message>
        <source>V%1 %2: pending, the statements Apply runs</source>
        <translation>V%1 %2&#xa0;: en attente, les instructions qu’exécute Appliquer</translation>
    </message>
    <message>
        <source>V%1 %2: %3</source>
        <translation>V%1 %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>V%1: no file for this migration (only in the history)</source>
        <translation>V%1&#xa0;: aucun fichier pour cette migration (seulement dans l’historique)</translation>
    </message>
    <message>
        <source>rewrites %1 (created here)</source>
        <translation>réécrit %1 (créée ici)</translation>
    </message>
    <message>
        <source>rewrites %1, %2</source>
        <translation>réécrit %1, %2</translation>
    </message>
    <message numerus="yes">
        <source>waited for %n session(s)</source>
        <translation>
            <numerusform>a attendu %n session</numerusform>
            <numerusform>a attendu %n sessions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>blocked %n session(s)</source>
        <translation>
            <numerusform>a bloqué %n session</numerusform>
            <numerusform>a bloqué %n sessions</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>took %1 on %2</source>
        <translation>a pris %1 sur %2</translation>
    </message>
    <message>
        <source>holds %1 on %2</source>
        <translation>détient %1 sur %2</translation>
    </message>
    <message>
        <source>%1 pid %2 (%3, application &quot;%4&quot;) %5 on %6</source>
        <translation>%1 PID %2 (%3, application « %4 ») %5 sur %6</translation>
    </message>
    <message>
        <source>held by</source>
        <translation>détenu par</translation>
    </message>
    <message>
        <source>waiting:</source>
        <translation>en attente :</translation>
    </message>
    <message>
        <source>Rehearsal, rolled back:</source>
        <translation>Répétition, annulée par rollback :</translation>
    </message>
    <message>
        <source>V%1 %2</source>
        <translation>V%1 %2</translation>
    </message>
</context>
<context>
    <name>melodee::MigrationsView</name>
    <message>
        <source>Migrations</source>
        <translation>Migrations</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>&amp;Dry run</source>
        <translation>&amp;Essai à blanc</translation>
    </message>
    <message>
        <source>Plan every pending statement, grouped by phase, without writing anything (Ctrl+D)</source>
        <translation>Planifier chaque instruction en attente, groupée par phase, sans rien écrire (Ctrl+D)</translation>
    </message>
    <message>
        <source>Re&amp;hearse</source>
        <translation>&amp;Répéter</translation>
    </message>
    <message>
        <source>&amp;Export plan…</source>
        <translation>&amp;Exporter le plan…</translation>
    </message>
    <message>
        <source>Save the reviewable plan file with its hash, for `melodee migrate --plan FILE`</source>
        <translation>Enregistrer le fichier de plan relisible avec son empreinte, pour `melodee migrate --plan FILE`</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>I &amp;reviewed this plan</source>
        <translation>J’ai &amp;relu ce plan</translation>
    </message>
    <message>
        <source>Reviewer name (recorded in the history)</source>
        <translation>Nom du relecteur (enregistré dans l’historique)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Appliquer</translation>
    </message>
    <message>
        <source>Apply exactly the reviewed plan (refused if it changed)</source>
        <translation>Appliquer exactement le plan relu (refusé s’il a changé)</translation>
    </message>
    <message>
        <source>Live log: statements as they run, lock waits and retries</source>
        <translation>Journal en direct&#xa0;: instructions en cours, attentes de verrou et nouvelles tentatives</translation>
    </message>
    <message>
        <source>Export plan</source>
        <translation>Exporter le plan</translation>
    </message>
    <message>
        <source>SQL plan (*.sql)</source>
        <translation>Plan SQL (*.sql)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Nothing to apply</source>
        <translation>Rien à appliquer</translation>
    </message>
    <message>
        <source>Tick &quot;I reviewed this plan&quot; and enter your name</source>
        <translation>Cochez «&#xa0;J’ai relu ce plan&#xa0;» et saisissez votre nom</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Planification…</translation>
    </message>
    <message>
        <source>Could not read the migrations: %1</source>
        <translation>Impossible de lire les migrations&#xa0;: %1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>erreur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Could not load.</source>
        <translation>Échec du chargement.</translation>
    </message>
    <message numerus="yes">
        <source>dry run: %n migration(s), %1 statements, phases %2, plan %3</source>
        <translation>
            <numerusform>essai à blanc&#xa0;: %n migration, %1 instructions, phases %2, plan %3</numerusform>
            <numerusform>essai à blanc&#xa0;: %n migrations, %1 instructions, phases %2, plan %3</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>Rehearsing…</source>
        <translation>Répétition…</translation>
    </message>
    <message>
        <source>Rehearsal could not run: %1</source>
        <translation>La répétition n’a pas pu s’exécuter&#xa0;: %1</translation>
    </message>
    <message>
        <source>rehearsal error: %1</source>
        <translation>erreur de répétition&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not rehearsed (non-transactional): %1</source>
        <translation>Non répétée (non transactionnelle)&#xa0;: %1</translation>
    </message>
    <message>
        <source>Rehearsal failed at V%1</source>
        <translation>La répétition a échoué à V%1</translation>
    </message>
    <message>
        <source>rehearsal failed at V%1: %2</source>
        <translation>la répétition a échoué à V%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Could not write the plan to %1</source>
        <translation>Impossible d’écrire le plan dans %1</translation>
    </message>
    <message>
        <source>plan %1 written to %2</source>
        <translation>plan %1 écrit dans %2</translation>
    </message>
    <message>
        <source>Plan %1 exported to %2. Apply it elsewhere with `melodee migrate --plan %2 --reviewer NAME`.</source>
        <translation>Plan %1 exporté vers %2. Appliquez-le ailleurs avec `melodee migrate --plan %2 --reviewer NAME`.</translation>
    </message>
    <message>
        <source>apply refused by the production guard: %1</source>
        <translation>application refusée par la garde de production&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not applied: the production guard needs confirmation for %1</source>
        <translation>Non appliqué&#xa0;: la garde de production demande une confirmation pour %1</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Application…</translation>
    </message>
    <message>
        <source>%v / %m statements</source>
        <translation>%v / %m instructions</translation>
    </message>
    <message>
        <source>apply plan %1 (%2 statements), reviewed by %3</source>
        <translation>application du plan %1 (%2 instructions), relu par %3</translation>
    </message>
    <message numerus="yes">
        <source>Applied %n migration(s); database at version %1 (plan %2).</source>
        <translation>
            <numerusform>%n migration appliquée&#xa0;; base de données en version %1 (plan %2).</numerusform>
            <numerusform>%n migrations appliquées&#xa0;; base de données en version %1 (plan %2).</numerusform>
        </translation>
    </message>
    <message>
        <source>apply failed: %1</source>
        <translation>échec de l’application&#xa0;: %1</translation>
    </message>
    <message>
        <source>Apply failed: %1</source>
        <translation>Échec de l’application&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Rehearsed %1 of %n migration(s) in one transaction, rolled back: nothing was changed.</source>
        <translation>
            <numerusform>%1 migration sur %n répétée dans une transaction annulée&#xa0;: rien n’a été modifié.</numerusform>
            <numerusform>%1 migrations sur %n répétées dans une transaction annulée&#xa0;: rien n’a été modifié.</numerusform>
        </translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>taking the migration lock</source>
        <translation>prise du verrou de migration</translation>
    </message>
    <message>
        <source>rehearsal cancelled; rolled back</source>
        <translation>répétition annulée&#xa0;; transaction annulée</translation>
    </message>
    <message>
        <source>apply refused: %1</source>
        <translation>application refusée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not applied: the history records production, but this connection&apos;s migrate.environment is %1</source>
        <translation>Non appliqué&#xa0;: l’historique enregistre production, mais le migrate.environment de cette connexion vaut %1</translation>
    </message>
    <message>
        <source>production guard: steps allowed by %1: %2</source>
        <translation>garde de production&#xa0;: étapes autorisées par %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>apply cancelled</source>
        <translation>application annulée</translation>
    </message>
    <message>
        <source>apply stopped: %1</source>
        <translation>application arrêtée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Apply cancelled. The list below shows what was applied.</source>
        <translation>Application annulée. La liste ci-dessous montre ce qui a été appliqué.</translation>
    </message>
    <message>
        <source>cancel requested</source>
        <translation>annulation demandée</translation>
    </message>
    <message>
        <source>Run the pending transactional migrations in one transaction and roll it back; each statement&apos;s locks, rewrites and time show beside it</source>
        <translation>Exécuter les migrations transactionnelles en attente dans une seule transaction puis l’annuler ; les verrous, réécritures et durées de chaque instruction s’affichent à côté</translation>
    </message>
    <message>
        <source>%1 · at version %2 · nothing pending</source>
        <translation>%1 · en version %2 · rien en attente</translation>
    </message>
    <message>
        <source>%1 · at version %2 · %3, %4 · lint: %5, %6 · plan %7 · environment %8</source>
        <translation>%1 · en version %2 · %3, %4 · lint : %5, %6 · plan %7 · environnement %8</translation>
    </message>
    <message numerus="yes">
        <source>%n pending migration(s)</source>
        <translation>
            <numerusform>%n migration en attente</numerusform>
            <numerusform>%n migrations en attente</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n statement(s)</source>
        <translation>
            <numerusform>%n instruction</numerusform>
            <numerusform>%n instructions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n erreur</numerusform>
            <numerusform>%n erreurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n avertissement</numerusform>
            <numerusform>%n avertissements</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · guard: %n step(s) production applies only after confirmation</source>
        <translation>
            <numerusform> · garde : %n étape que production n’applique qu’après confirmation</numerusform>
            <numerusform> · garde : %n étapes que production n’applique qu’après confirmation</numerusform>
        </translation>
    </message>
    <message>
        <source> · the history records production, this connection says %1</source>
        <translation> · l’historique indique production, cette connexion indique %1</translation>
    </message>
    <message>
        <source> · lint read the live catalog</source>
        <translation> · le lint a lu le catalogue en direct</translation>
    </message>
    <message>
        <source> · lint offline (catalog not readable: %1)</source>
        <translation> · lint hors ligne (catalogue illisible : %1)</translation>
    </message>
    <message>
        <source>Connect to a database to rehearse</source>
        <translation>Connectez-vous à une base de données pour répéter</translation>
    </message>
    <message>
        <source>Refresh to load the plan, then rehearse</source>
        <translation>Actualisez pour charger le plan, puis répétez</translation>
    </message>
    <message>
        <source>Nothing pending to rehearse</source>
        <translation>Rien en attente à répéter</translation>
    </message>
    <message>
        <source>Production guard</source>
        <translation>Garde de production</translation>
    </message>
    <message>
        <source>This database is marked production. The plan contains steps the production guard stops (destructive, unclassified or irreversible):

%1

Apply them anyway?</source>
        <translation>Cette base de données est marquée production. Le plan contient des étapes que la garde de production arrête (destructives, non classées ou irréversibles) :

%1

Les appliquer quand même ?</translation>
    </message>
    <message>
        <source>C&amp;onvert a table to monthly partitions…</source>
        <translation>C&amp;onvertir une table en partitions mensuelles…</translation>
    </message>
    <message>
        <source>Plan, review and apply the online conversion of a plain table into monthly partitions (`melodee partitions convert`)</source>
        <translation>Planifier, relire et appliquer la conversion en ligne d’une table simple en partitions mensuelles (`melodee partitions convert`)</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionTimeline</name>
    <message>
        <source>%1 rows</source>
        <translation>%1 lignes</translation>
    </message>
    <message>
        <source>≈ %1 rows</source>
        <translation>≈ %1 lignes</translation>
    </message>
    <message>
        <source>rows not estimated yet (never analysed)</source>
        <translation>lignes pas encore estimées (jamais analysée)</translation>
    </message>
    <message>
        <source>%1
from %2
to %3
%4
%5 on disk</source>
        <translation>%1
du %2
au %3
%4
%5 sur disque</translation>
    </message>
    <message>
        <source>Gap in %1: no partition
from %2
to %3
Rows for these dates go to the default partition.</source>
        <translation>Trou dans %1&#xa0;: aucune partition
du %2
au %3
Les lignes de ces dates vont dans la partition par défaut.</translation>
    </message>
    <message>
        <source>%1 (default partition)
%2 rows
%3 on disk</source>
        <translation>%1 (partition par défaut)
%2 lignes
%3 sur disque</translation>
    </message>
    <message>
        <source>
Rows here are outside every month partition: use &quot;Move rows out of default&quot;.</source>
        <translation>
Ces lignes sont hors de toute partition mensuelle&#xa0;: utilisez «&#xa0;Sortir les lignes de la partition par défaut&#xa0;».</translation>
    </message>
    <message>
        <source>%1
%2 month partitions, %3 gaps, %4 months ahead covered</source>
        <translation>%1
%2 partitions mensuelles, %3 trous, %4 mois d’avance couverts</translation>
    </message>
    <message>
        <source>Shaded by rows:</source>
        <translation>Ombré selon les lignes&#xa0;:</translation>
    </message>
    <message>
        <source>Shaded by size:</source>
        <translation>Ombré selon la taille&#xa0;:</translation>
    </message>
    <message>
        <source>gap</source>
        <translation>trou</translation>
    </message>
    <message>
        <source>default partition holds rows</source>
        <translation>la partition par défaut contient des lignes</translation>
    </message>
    <message>
        <source>now</source>
        <translation>maintenant</translation>
    </message>
    <message>
        <source>premake horizon</source>
        <translation>horizon de pré-création</translation>
    </message>
    <message>
        <source>premake</source>
        <translation>pré-création</translation>
    </message>
    <message>
        <source>%1 partitions · %2 ahead</source>
        <translation>%1 partitions · %2 d’avance</translation>
    </message>
    <message>
        <source>not created yet</source>
        <translation>pas encore créée</translation>
    </message>
    <message>
        <source>default
%1 rows</source>
        <translation>défaut
%1 lignes</translation>
    </message>
    <message>
        <source>
Drift (partitions check):
%1</source>
        <translation>
Dérive (vérification des partitions) :
%1</translation>
    </message>
    <message numerus="yes">
        <source>
Older than the retention horizon (%n month(s) kept)</source>
        <translation>
            <numerusform>
Antérieure à l’horizon de rétention (%n mois conservé)</numerusform>
            <numerusform>
Antérieure à l’horizon de rétention (%n mois conservés)</numerusform>
        </translation>
    </message>
    <message>
        <source>retention</source>
        <translation>rétention</translation>
    </message>
    <message>
        <source>before the retention horizon</source>
        <translation>avant l’horizon de rétention</translation>
    </message>
    <message>
        <source>drift (partitions check)</source>
        <translation>dérive (vérification des partitions)</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionVacuumModel</name>
    <message>
        <source>autovacuum</source>
        <translation>autovacuum</translation>
    </message>
    <message>
        <source>VACUUM</source>
        <translation>VACUUM</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1: %2, %3 %</source>
        <translation>%1&#xa0;: %2, %3&#xa0;%</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message numerus="yes">
        <source>%1
partition of %2; autovacuum ran %n time(s) on it</source>
        <translation>
            <numerusform>%1
partition de %2&#xa0;; autovacuum y a tourné %n fois</numerusform>
            <numerusform>%1
partition de %2&#xa0;; autovacuum y a tourné %n fois</numerusform>
        </translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Dead tuples</source>
        <translation>Tuples morts</translation>
    </message>
    <message>
        <source>Live tuples</source>
        <translation>Tuples vivants</translation>
    </message>
    <message>
        <source>Vacuum now</source>
        <translation>Vacuum en cours</translation>
    </message>
    <message>
        <source>Last autovacuum</source>
        <translation>Dernier autovacuum</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsDriftPanel</name>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Press Check to compare every partition with its parent.</source>
        <translation>Cliquez sur Vérifier pour comparer chaque partition à sa table parente.</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Last vacuum (UTC)</source>
        <translation>Dernier VACUUM (UTC)</translation>
    </message>
    <message>
        <source>Last analyze (UTC)</source>
        <translation>Dernier ANALYZE (UTC)</translation>
    </message>
    <message>
        <source>Dead rows</source>
        <translation>Lignes mortes</translation>
    </message>
    <message>
        <source>Bytes/row</source>
        <translation>Octets/ligne</translation>
    </message>
    <message>
        <source>Bloat is an estimate from statistics, without a scan: the share of dead rows (n_dead_tup of pg_stat_user_tables) and bytes per row (relpages over reltuples) against the median of the table&apos;s partitions.</source>
        <translation>Le bloat est une estimation tirée des statistiques, sans parcours : la part de lignes mortes (n_dead_tup de pg_stat_user_tables) et les octets par ligne (relpages sur reltuples), comparés à la médiane des partitions de la table.</translation>
    </message>
    <message>
        <source>drift, bloat</source>
        <translation>dérive, bloat</translation>
    </message>
    <message>
        <source>drift</source>
        <translation>dérive</translation>
    </message>
    <message>
        <source>bloat</source>
        <translation>bloat</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>%1 % (%2)</source>
        <translation>%1 % (%2)</translation>
    </message>
    <message numerus="yes">
        <source>%n partition(s) checked at %1 UTC: </source>
        <translation>
            <numerusform>%n partition vérifiée à %1 UTC : </numerusform>
            <numerusform>%n partitions vérifiées à %1 UTC : </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n drifted from the parent, </source>
        <translation>
            <numerusform>%n diverge de la table parente, </numerusform>
            <numerusform>%n divergent de la table parente, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n with a bloat estimate over the threshold.</source>
        <translation>
            <numerusform>%n avec un bloat estimé au-dessus du seuil.</numerusform>
            <numerusform>%n avec un bloat estimé au-dessus du seuil.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsView</name>
    <message>
        <source>Partitions</source>
        <translation>Partitions</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Recharger</translation>
    </message>
    <message>
        <source>Shade by rows</source>
        <translation>Ombrer selon les lignes</translation>
    </message>
    <message>
        <source>Shade by size</source>
        <translation>Ombrer selon la taille</translation>
    </message>
    <message>
        <source>&amp;Create partitions through…</source>
        <translation>&amp;Créer les partitions jusqu’à…</translation>
    </message>
    <message>
        <source>Preview the partitions missing up to the chosen month</source>
        <translation>Aperçu des partitions manquantes jusqu’au mois choisi</translation>
    </message>
    <message>
        <source>&amp;Move rows out of default</source>
        <translation>&amp;Sortir les lignes de la partition par défaut</translation>
    </message>
    <message>
        <source>Preview creating the months the default partition&apos;s rows belong to and moving them there (row counts checked)</source>
        <translation>Aperçu de la création des mois auxquels appartiennent les lignes de la partition par défaut et de leur déplacement (nombre de lignes vérifié)</translation>
    </message>
    <message>
        <source>Refresh &amp;views</source>
        <translation>Actualiser les &amp;vues</translation>
    </message>
    <message>
        <source>Preview REFRESH MATERIALIZED VIEW CONCURRENTLY of the count views</source>
        <translation>Aperçu de REFRESH MATERIALIZED VIEW CONCURRENTLY des vues de comptage</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>Zoom&#xa0;:</translation>
    </message>
    <message>
        <source>Preview: choose an action above; nothing runs until you apply it.</source>
        <translation>Aperçu&#xa0;: choisissez une action ci-dessus&#xa0;; rien ne s’exécute avant que vous l’appliquiez.</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Appliquer</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Abandonner</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Log of maintenance runs</source>
        <translation>Journal des opérations de maintenance</translation>
    </message>
    <message numerus="yes">
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n an</numerusform>
            <numerusform>%n ans</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Reading partitions…</source>
        <translation>Lecture des partitions…</translation>
    </message>
    <message>
        <source>Could not read the partitions: %1</source>
        <translation>Impossible de lire les partitions&#xa0;: %1</translation>
    </message>
    <message>
        <source>Could not load.</source>
        <translation>Échec du chargement.</translation>
    </message>
    <message>
        <source>%1: not created yet (run the migrations)</source>
        <translation>%1&#xa0;: pas encore créée (exécutez les migrations)</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) in the default partition</source>
        <translation>
            <numerusform>%n ligne dans la partition par défaut</numerusform>
            <numerusform>%n lignes dans la partition par défaut</numerusform>
        </translation>
    </message>
    <message>
        <source>next month not covered</source>
        <translation>mois prochain non couvert</translation>
    </message>
    <message>
        <source>Choose a month from %1 on; &quot;%2&quot; is in the past (older months are created by `melodee partitions maintain --from`).</source>
        <translation>Choisissez un mois à partir de %1&#xa0;; «&#xa0;%2&#xa0;» est passé (les mois plus anciens se créent avec `melodee partitions maintain --from`).</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Planification…</translation>
    </message>
    <message>
        <source>Could not plan: %1</source>
        <translation>Planification impossible&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Nothing to do: partitions already cover the next %n month(s).</source>
        <translation>
            <numerusform>Rien à faire&#xa0;: les partitions couvrent déjà %n mois à venir.</numerusform>
            <numerusform>Rien à faire&#xa0;: les partitions couvrent déjà %n mois à venir.</numerusform>
        </translation>
    </message>
    <message>
        <source>Preview: refresh the count views concurrently (readers are not blocked).</source>
        <translation>Aperçu&#xa0;: actualiser les vues de comptage en parallèle (les lecteurs ne sont pas bloqués).</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Application…</translation>
    </message>
    <message>
        <source>applying: %1</source>
        <translation>application&#xa0;: %1</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>échec&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Non appliqué&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1: %2, %3, %4</source>
        <translation>%1&#xa0;: %2, %3, %4</translation>
    </message>
    <message numerus="yes">
        <source>%n partition(s)</source>
        <translation>
            <numerusform>%n partition</numerusform>
            <numerusform>%n partitions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n month(s) ahead</source>
        <translation>
            <numerusform>%n mois d’avance</numerusform>
            <numerusform>%n mois d’avance</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n gap(s)</source>
        <translation>
            <numerusform>%n trou</numerusform>
            <numerusform>%n trous</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 new, %n row(s) to move</source>
        <translation>
            <numerusform>%1&#xa0;: %2 nouvelle(s), %n ligne à déplacer</numerusform>
            <numerusform>%1&#xa0;: %2 nouvelle(s), %n lignes à déplacer</numerusform>
        </translation>
    </message>
    <message>
        <source>Zoom: right shows fewer years, left more (Ctrl+wheel on the timeline)</source>
        <translation>Zoom&#xa0;: à droite moins d’années, à gauche davantage (Ctrl+molette sur la frise)</translation>
    </message>
    <message>
        <source>Not planned: %1.</source>
        <translation>Non planifié&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Nothing to do: no row in a default partition can move.</source>
        <translation>Rien à faire&#xa0;: aucune ligne d’une partition par défaut ne peut être déplacée.</translation>
    </message>
    <message>
        <source>%1 — step %2 of %3</source>
        <translation>%1 — étape %2 sur %3</translation>
    </message>
    <message>
        <source>cancelled: the running statement was stopped on the server and its transaction rolled back</source>
        <translation>annulé&#xa0;: l’instruction en cours a été arrêtée sur le serveur et sa transaction annulée</translation>
    </message>
    <message>
        <source>Cancelled; press Reload to read the partitions.</source>
        <translation>Annulé&#xa0;; cliquez sur Recharger pour lire les partitions.</translation>
    </message>
    <message>
        <source>Chec&amp;k</source>
        <translation>Véri&amp;fier</translation>
    </message>
    <message>
        <source>Compare every partition with its parent: indexes, constraints, privileges, storage options; last vacuum and analyze; bloat estimate. Reads only.</source>
        <translation>Comparer chaque partition à sa table parente : index, contraintes, privilèges, options de stockage ; dernier VACUUM et ANALYZE ; estimation du bloat. Lecture seule.</translation>
    </message>
    <message>
        <source>no retention</source>
        <translation>pas de rétention</translation>
    </message>
    <message>
        <source> months kept</source>
        <translation> mois conservés</translation>
    </message>
    <message>
        <source>Draw the retention horizon: `melodee partitions retention --keep N` detaches and drops the hatched partitions before it</source>
        <translation>Tracer l’horizon de rétention : `melodee partitions retention --keep N` détache (DETACH) puis supprime les partitions hachurées qui le précèdent</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>Dérive</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 new, %n row(s) to move in batches</source>
        <translation>
            <numerusform>%1 : %2 nouvelle(s), %n ligne à déplacer par lots</numerusform>
            <numerusform>%1 : %2 nouvelle(s), %n lignes à déplacer par lots</numerusform>
        </translation>
    </message>
    <message>
        <source>Preview (%1). Apply runs exactly this. Next to an empty default partition one transaction per table, rolled back if row counts differ; next to a non-empty one, batches of %2 rows that a cancel keeps and a new apply resumes.</source>
        <translation>Aperçu (%1). Appliquer exécute exactement ceci. Si la partition par défaut est vide, une transaction par table, annulée si les nombres de lignes diffèrent ; sinon, des lots de %2 lignes qu’une annulation conserve et qu’une nouvelle application reprend.</translation>
    </message>
    <message>
        <source>%1 — %2 of %3 rows</source>
        <translation>%1 — %2 lignes sur %3</translation>
    </message>
    <message>
        <source>Cancelled. Tables and batches finished before the cancel stay done; the reload shows what is in the database, and a new preview resumes a batched move.</source>
        <translation>Annulé. Les tables et lots terminés avant l’annulation restent acquis ; le rechargement montre le contenu de la base, et un nouvel aperçu reprend un déplacement par lots.</translation>
    </message>
    <message>
        <source>Checking partitions…</source>
        <translation>Vérification des partitions…</translation>
    </message>
    <message>
        <source>Could not check the partitions: %1</source>
        <translation>Impossible de vérifier les partitions : %1</translation>
    </message>
    <message>
        <source>The partitions changed since this preview was made (another session?). Nothing was applied: preview again.</source>
        <translation>Les partitions ont changé depuis cet aperçu (une autre session&#xa0;?). Rien n’a été appliqué&#xa0;: refaites l’aperçu.</translation>
    </message>
    <message>
        <source>The partitions changed since the last check: press Check to check them again.</source>
        <translation>Les partitions ont changé depuis la dernière vérification&#xa0;: cliquez sur Vérifier pour les vérifier à nouveau.</translation>
    </message>
</context>
<context>
    <name>melodee::PlaceholderPage</name>
    <message>
        <source>Database: %1</source>
        <translation>Base de données&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not connected. Open File → Connection profiles… to connect.</source>
        <translation>Non connecté. Ouvrez Fichier → Profils de connexion… pour vous connecter.</translation>
    </message>
</context>
<context>
    <name>melodee::ReplicaLagModel</name>
    <message>
        <source>checking…</source>
        <translation>vérification…</translation>
    </message>
    <message>
        <source>in rotation</source>
        <translation>en rotation</translation>
    </message>
    <message>
        <source>out of rotation (lagging)</source>
        <translation>hors rotation (en retard)</translation>
    </message>
    <message>
        <source>out of rotation (down)</source>
        <translation>hors rotation (injoignable)</translation>
    </message>
    <message>
        <source>out of rotation (not a replica)</source>
        <translation>hors rotation (pas un réplica)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Replica</source>
        <translation>Réplica</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>Retard</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
</context>
<context>
    <name>melodee::ReplicaLagPanel</name>
    <message>
        <source>Replica lag</source>
        <translation>Retard des réplicas</translation>
    </message>
    <message>
        <source>Replay lag per replica</source>
        <translation>Retard de rejeu par réplica</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>No read replicas configured (database.replicas).</source>
        <translation>Aucun réplica de lecture configuré (database.replicas).</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>max_replica_lag %1</source>
        <translation>max_replica_lag %1</translation>
    </message>
</context>
<context>
    <name>melodee::SchemaNotice</name>
    <message>
        <source>This view manages Melodee&apos;s own %1* schema. This database holds melodee-next&apos;s schema (tracks, albums, artists, …), which its GORM AutoMigrate manages.</source>
        <translation>Cette vue gère le schéma %1* propre à Melodee. Cette base de données contient le schéma de melodee-next (tracks, albums, artists, …), géré par son AutoMigrate GORM.</translation>
    </message>
    <message>
        <source>Applying these migrations here would create Melodee&apos;s tables beside melodee-next&apos;s and change none of them: do not apply them to this database.</source>
        <translation>Appliquer ces migrations ici créerait les tables de Melodee à côté de celles de melodee-next sans en modifier aucune : ne les appliquez pas à cette base de données.</translation>
    </message>
    <message>
        <source>Its tables are not partitioned, so there are no partitions to maintain here. Sizes, indexes and foreign keys of its tables: melodee inspect --details.</source>
        <translation>Ses tables ne sont pas partitionnées : il n’y a donc aucune partition à entretenir ici. Tailles, index et clés étrangères de ses tables : melodee inspect --details.</translation>
    </message>
</context>
<context>
    <name>melodee::SongTableModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Artist ID</source>
        <translation>ID artiste</translation>
    </message>
    <message>
        <source>Album ID</source>
        <translation>ID album</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Created (UTC)</source>
        <translation>Créé (UTC)</translation>
    </message>
    <message>
        <source>about %1</source>
        <translation>environ %1</translation>
    </message>
    <message>
        <source>Click to sort by this column; click again to reverse the order.</source>
        <translation>Cliquez pour trier selon cette colonne ; cliquez à nouveau pour inverser l’ordre.</translation>
    </message>
    <message>
        <source>This column cannot be sorted: the database has no index for it.</source>
        <translation>Cette colonne ne peut pas être triée : la base n’a pas d’index pour elle.</translation>
    </message>
</context>
<context>
    <name>melodee::SongsView</name>
    <message>
        <source>Songs</source>
        <translation>Titres</translation>
    </message>
    <message>
        <source>Search names…</source>
        <translation>Rechercher des noms…</translation>
    </message>
    <message>
        <source>Artist ID</source>
        <translation>ID artiste</translation>
    </message>
    <message>
        <source>Album ID</source>
        <translation>ID album</translation>
    </message>
    <message>
        <source>Count exactly</source>
        <translation>Compter exactement</translation>
    </message>
    <message>
        <source>◀ Prev</source>
        <translation>◀ Précédente</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Suivante ▶</translation>
    </message>
    <message>
        <source>page size </source>
        <translation>taille de page </translation>
    </message>
    <message>
        <source>go to page </source>
        <translation>aller à la page </translation>
    </message>
    <message>
        <source>Select a song to see its details.</source>
        <translation>Sélectionnez un titre pour voir ses détails.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Renommer</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Delete song</source>
        <translation>Supprimer le titre</translation>
    </message>
    <message>
        <source>≈ … songs</source>
        <translation>≈ … titres</translation>
    </message>
    <message>
        <source>%1 songs</source>
        <translation>%1 titres</translation>
    </message>
    <message>
        <source>≈ %1 songs</source>
        <translation>≈ %1 titres</translation>
    </message>
    <message>
        <source>Loading song %1…</source>
        <translation>Chargement du titre %1…</translation>
    </message>
    <message>
        <source>Could not load song %1: %2</source>
        <translation>Impossible de charger le titre %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Song %1 no longer exists.</source>
        <translation>Le titre %1 n’existe plus.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>ID: %1</source>
        <translation>ID&#xa0;: %1</translation>
    </message>
    <message>
        <source>Artist: %1 (%2)</source>
        <translation>Artiste&#xa0;: %1 (%2)</translation>
    </message>
    <message>
        <source>Album: %1 (%2)</source>
        <translation>Album&#xa0;: %1 (%2)</translation>
    </message>
    <message>
        <source>Duration: %1 s</source>
        <translation>Durée&#xa0;: %1 s</translation>
    </message>
    <message>
        <source>Play count: %1</source>
        <translation>Lectures&#xa0;: %1</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>Fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>Created: %1</source>
        <translation>Créé&#xa0;: %1</translation>
    </message>
    <message>
        <source>Cache: %1</source>
        <translation>Cache&#xa0;: %1</translation>
    </message>
    <message>
        <source>Rename failed: %1</source>
        <translation>Échec du renommage&#xa0;: %1</translation>
    </message>
    <message>
        <source>Deleted song %1.</source>
        <translation>Titre %1 supprimé.</translation>
    </message>
    <message>
        <source>Delete failed: %1</source>
        <translation>Échec de la suppression&#xa0;: %1</translation>
    </message>
    <message>
        <source>« First</source>
        <translation>« Première</translation>
    </message>
    <message>
        <source>Last »</source>
        <translation>Dernière »</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Renamed song %1.</source>
        <translation>Titre %1 renommé.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Delete the song “%1”?

Artist: %2
Album: %3
ID: %4

This cannot be undone.</source>
        <translation>Supprimer le titre «&#xa0;%1&#xa0;»&#xa0;?

Artiste&#xa0;: %2
Album&#xa0;: %3
ID&#xa0;: %4

Cette action est irréversible.</translation>
    </message>
    <message>
        <source>The selection changed; nothing was deleted.</source>
        <translation>La sélection a changé&#xa0;; rien n’a été supprimé.</translation>
    </message>
    <message>
        <source>about %1</source>
        <translation>environ %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be sorted: the database has no index for it. The list stays sorted by &quot;%2&quot;.</source>
        <translation>« %1 » ne peut pas être trié : la base n’a pas d’index pour cette colonne. La liste reste triée par « %2 ».</translation>
    </message>
    <message>
        <source>page %1 of %2</source>
        <translation>page %1 sur %2</translation>
    </message>
    <message>
        <source>page %1 of about %2</source>
        <translation>page %1 sur environ %2</translation>
    </message>
</context>
<context>
    <name>melodee::Startup</name>
    <message>
        <source>--view: unknown view &quot;%1&quot; (expected one of: %2)</source>
        <translation>--view&#xa0;: vue inconnue «&#xa0;%1&#xa0;» (valeurs attendues&#xa0;: %2)</translation>
    </message>
    <message>
        <source>--profile and --dsn cannot be combined</source>
        <translation>--profile et --dsn ne peuvent pas être combinés</translation>
    </message>
</context>
<context>
    <name>melodee::TimeSeriesChart</name>
    <message>
        <source>now</source>
        <translation>maintenant</translation>
    </message>
    <message>
        <source>−%1 s</source>
        <translation>−%1 s</translation>
    </message>
    <message>
        <source>−%1 min</source>
        <translation>−%1 min</translation>
    </message>
</context>
<context>
    <name>melodee::VitalsPanel</name>
    <message>
        <source>Server vital signs</source>
        <translation>Signes vitaux du serveur</translation>
    </message>
    <message>
        <source>Transactions per second</source>
        <translation>Transactions par seconde</translation>
    </message>
    <message>
        <source>commit</source>
        <translation>commit</translation>
    </message>
    <message>
        <source>rollback</source>
        <translation>rollback</translation>
    </message>
    <message>
        <source>1/s</source>
        <translation>1/s</translation>
    </message>
    <message>
        <source>Tuples out per second</source>
        <translation>Tuples lus par seconde</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>renvoyés</translation>
    </message>
    <message>
        <source>fetched</source>
        <translation>récupérés</translation>
    </message>
    <message>
        <source>Tuples in per second</source>
        <translation>Tuples écrits par seconde</translation>
    </message>
    <message>
        <source>inserted</source>
        <translation>insérés</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>modifiés</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>supprimés</translation>
    </message>
    <message>
        <source>Block I/O per second</source>
        <translation>E/S de blocs par seconde</translation>
    </message>
    <message>
        <source>read (disk)</source>
        <translation>lus (disque)</translation>
    </message>
    <message>
        <source>hit (cache)</source>
        <translation>trouvés (cache)</translation>
    </message>
    <message>
        <source>blocks/s</source>
        <translation>blocs/s</translation>
    </message>
    <message>
        <source>Reading the server&apos;s statistics…</source>
        <translation>Lecture des statistiques du serveur…</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Lock waits</source>
        <translation>Attentes de verrou</translation>
    </message>
    <message>
        <source>Autovacuum on partitions</source>
        <translation>Autovacuum sur les partitions</translation>
    </message>
    <message>
        <source>Could not read the server&apos;s statistics: %1</source>
        <translation>Impossible de lire les statistiques du serveur&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>(not visible)</source>
        <translation>(non visible)</translation>
    </message>
    <message>
        <source>Sessions in %1: %2 (%3)</source>
        <translation>Sessions dans %1&#xa0;: %2 (%3)</translation>
    </message>
    <message>
        <source>Oldest transaction: %1, pid %2 (%3, %4)</source>
        <translation>Plus ancienne transaction&#xa0;: %1, PID %2 (%3, %4)</translation>
    </message>
    <message>
        <source>state hidden</source>
        <translation>état masqué</translation>
    </message>
    <message>
        <source>, holds back cleanup of rows from the last %1 transactions</source>
        <translation>, retient le nettoyage des lignes des %1 dernières transactions</translation>
    </message>
    <message>
        <source>: %1</source>
        <translation>&#xa0;: %1</translation>
    </message>
    <message>
        <source>Oldest transaction: none open</source>
        <translation>Plus ancienne transaction&#xa0;: aucune ouverte</translation>
    </message>
    <message>
        <source>Lock waits: none</source>
        <translation>Attentes de verrou&#xa0;: aucune</translation>
    </message>
    <message numerus="yes">
        <source>Lock waits: %n session(s) waiting</source>
        <translation>
            <numerusform>Attentes de verrou&#xa0;: %n session en attente</numerusform>
            <numerusform>Attentes de verrou&#xa0;: %n sessions en attente</numerusform>
        </translation>
    </message>
    <message>
        <source>Autovacuum on partitions of %1*: %2 partitions, %3 dead tuples, %4 VACUUM running</source>
        <translation>Autovacuum sur les partitions de %1*&#xa0;: %2 partitions, %3 tuples morts, %4 VACUUM en cours</translation>
    </message>
</context>
</TS>
