<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>ConnectionProblem</name>
    <message>
        <source>the default host</source>
        <translation>dem Standard-Host</translation>
    </message>
    <message>
        <source>(your login name)</source>
        <translation>(Ihr Anmeldename)</translation>
    </message>
    <message>
        <source>Host: &quot;%1&quot; cannot be resolved to an address.</source>
        <translation>Host: „%1“ lässt sich keiner Adresse zuordnen.</translation>
    </message>
    <message>
        <source>Host or port: nothing accepts connections at %1. Is the server running, and is this its port?</source>
        <translation>Host oder Port: An %1 nimmt nichts Verbindungen an. Läuft der Server, und ist das sein Port?</translation>
    </message>
    <message>
        <source>Host or port: %1 did not answer within the connect timeout (%2). Check the address, or allow more time.</source>
        <translation>Host oder Port: %1 hat innerhalb des Verbindungs-Timeouts (%2) nicht geantwortet. Prüfen Sie die Adresse oder lassen Sie mehr Zeit.</translation>
    </message>
    <message>
        <source>Password: the server asks for a password for user &quot;%1&quot;, and none was given.</source>
        <translation>Passwort: Der Server verlangt ein Passwort für den Benutzer „%1“, und es wurde keines angegeben.</translation>
    </message>
    <message>
        <source>User or password: the server refused the password for user &quot;%1&quot; (or there is no such user).</source>
        <translation>Benutzer oder Passwort: Der Server hat das Passwort für den Benutzer „%1“ abgelehnt (oder es gibt diesen Benutzer nicht).</translation>
    </message>
    <message>
        <source>User: there is no user &quot;%1&quot; on the server.</source>
        <translation>Benutzer: Auf dem Server gibt es keinen Benutzer „%1“.</translation>
    </message>
    <message>
        <source>Database: there is no database &quot;%1&quot; on the server.</source>
        <translation>Datenbank: Auf dem Server gibt es keine Datenbank „%1“.</translation>
    </message>
    <message>
        <source>User or database: the server&apos;s pg_hba.conf does not let user &quot;%1&quot; connect to database &quot;%2&quot; from this machine with SSL mode &quot;%3&quot;.</source>
        <translation>Benutzer oder Datenbank: Die pg_hba.conf des Servers erlaubt dem Benutzer „%1“ nicht, sich von diesem Rechner mit SSL-Modus „%3“ mit der Datenbank „%2“ zu verbinden.</translation>
    </message>
    <message>
        <source>SSL mode: &quot;%1&quot; requires TLS, and the server does not offer it.</source>
        <translation>SSL-Modus: „%1“ verlangt TLS, und der Server bietet es nicht an.</translation>
    </message>
    <message>
        <source>Root CA: SSL mode &quot;%1&quot; checks the server&apos;s certificate, and no readable root CA file is set.</source>
        <translation>Stamm-CA: Der SSL-Modus „%1“ prüft das Zertifikat des Servers, und es ist keine lesbare Stamm-CA-Datei angegeben.</translation>
    </message>
    <message>
        <source>Root CA: the server&apos;s certificate is not signed by the root CA &quot;%1&quot;.</source>
        <translation>Stamm-CA: Das Zertifikat des Servers ist nicht von der Stamm-CA „%1“ signiert.</translation>
    </message>
    <message>
        <source>Host: the server&apos;s certificate is not valid for &quot;%1&quot;; use the name in the certificate, or SSL mode verify-ca.</source>
        <translation>Host: Das Zertifikat des Servers gilt nicht für „%1“; verwenden Sie den Namen aus dem Zertifikat oder den SSL-Modus verify-ca.</translation>
    </message>
    <message>
        <source>Client certificate or key: the file cannot be used.</source>
        <translation>Client-Zertifikat oder -Schlüssel: Die Datei ist nicht verwendbar.</translation>
    </message>
    <message>
        <source>The server at %1 refused the connection.</source>
        <translation>Der Server an %1 hat die Verbindung abgelehnt.</translation>
    </message>
    <message>
        <source>Server said: %1</source>
        <translation>Der Server meldete: %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Administration of the PostgreSQL database of the Melodee music server.</source>
        <translation>Verwaltung der PostgreSQL-Datenbank des Melodee-Musikservers.</translation>
    </message>
    <message>
        <source>Read Melodee&apos;s YAML config FILE.</source>
        <translation>Melodees YAML-Konfiguration FILE lesen.</translation>
    </message>
    <message>
        <source>Connect with a libpq conninfo string or a postgres:// URI.</source>
        <translation>Mit einer libpq-Conninfo-Zeichenkette oder einer postgres://-URI verbinden.</translation>
    </message>
    <message>
        <source>Connect with the saved profile NAME.</source>
        <translation>Mit dem gespeicherten Profil NAME verbinden.</translation>
    </message>
    <message>
        <source>Open VIEW: dashboard, migrations, partitions or songs.</source>
        <translation>Ansicht VIEW öffnen: dashboard, migrations, partitions oder songs.</translation>
    </message>
    <message>
        <source>Check that the plugins load and the main window shows, then exit.</source>
        <translation>Prüfen, ob die Plugins laden und das Hauptfenster erscheint, dann beenden.</translation>
    </message>
</context>
<context>
    <name>melodee::AboutDialog</name>
    <message>
        <source>About Melodee Admin</source>
        <translation>Über Melodee Admin</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Über</translation>
    </message>
    <message>
        <source>Licences</source>
        <translation>Lizenzen</translation>
    </message>
    <message>
        <source>Third-party notices</source>
        <translation>Hinweise zu Drittkomponenten</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Melodee Admin %1&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Melodee Admin %1&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Administers the PostgreSQL database of a Melodee music server.</source>
        <translation>Verwaltet die PostgreSQL-Datenbank eines Melodee-Musikservers.</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version:</translation>
    </message>
    <message>
        <source>Compiler:</source>
        <translation>Compiler:</translation>
    </message>
    <message>
        <source>Built with Qt:</source>
        <translation>Gebaut mit Qt:</translation>
    </message>
    <message>
        <source>Running on Qt:</source>
        <translation>Läuft mit Qt:</translation>
    </message>
    <message>
        <source>libpq:</source>
        <translation>libpq:</translation>
    </message>
    <message>
        <source>Build date:</source>
        <translation>Build-Datum:</translation>
    </message>
    <message>
        <source>Platform:</source>
        <translation>Plattform:</translation>
    </message>
    <message>
        <source>Melodee Admin is free software under the MIT licence. The libraries it uses keep their own licences, listed in the next tab.</source>
        <translation>Melodee Admin ist freie Software unter der MIT-Lizenz. Die verwendeten Bibliotheken behalten ihre eigenen Lizenzen, die im nächsten Reiter aufgeführt sind.</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponente</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
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
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>local socket</source>
        <translation>lokaler Socket</translation>
    </message>
    <message>
        <source>State since %1</source>
        <translation>Zustand seit %1</translation>
    </message>
    <message>
        <source>Query started %1</source>
        <translation>Abfrage gestartet %1</translation>
    </message>
    <message>
        <source>Transaction started %1</source>
        <translation>Transaktion gestartet %1</translation>
    </message>
    <message>
        <source>pid %1 · %2</source>
        <translation>PID %1 · %2</translation>
    </message>
    <message>
        <source>Connected %1</source>
        <translation>Verbunden %1</translation>
    </message>
    <message>
        <source>Ours: the connection that read this list</source>
        <translation>Unsere: die Verbindung, die diese Liste gelesen hat</translation>
    </message>
    <message>
        <source>Ours: a connection of this application&apos;s pool</source>
        <translation>Unsere: eine Verbindung aus dem Pool dieser Anwendung</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Wait event</source>
        <translation>Warteereignis</translation>
    </message>
    <message>
        <source>In state</source>
        <translation>Im Zustand</translation>
    </message>
    <message>
        <source>Query age</source>
        <translation>Abfragealter</translation>
    </message>
    <message>
        <source>Transaction</source>
        <translation>Transaktion</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Abfrage</translation>
    </message>
</context>
<context>
    <name>melodee::ActivityPanel</name>
    <message>
        <source>Server activity</source>
        <translation>Serveraktivität</translation>
    </message>
    <message>
        <source>All databases</source>
        <translation>Alle Datenbanken</translation>
    </message>
    <message>
        <source>Also list sessions of other databases and the server&apos;s background processes</source>
        <translation>Auch Sitzungen anderer Datenbanken und die Hintergrundprozesse des Servers auflisten</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Cancel query</source>
        <translation>Abfrage abbrechen</translation>
    </message>
    <message>
        <source>Ask the server to cancel the selected session&apos;s running query (pg_cancel_backend)</source>
        <translation>Den Server bitten, die laufende Abfrage der gewählten Sitzung abzubrechen (pg_cancel_backend)</translation>
    </message>
    <message>
        <source>Terminate session…</source>
        <translation>Sitzung beenden…</translation>
    </message>
    <message>
        <source>End the selected session and its connection (pg_terminate_backend)</source>
        <translation>Die gewählte Sitzung und ihre Verbindung beenden (pg_terminate_backend)</translation>
    </message>
    <message>
        <source>Copy query</source>
        <translation>Abfrage kopieren</translation>
    </message>
    <message>
        <source>Could not read the server&apos;s sessions: %1</source>
        <translation>Die Sitzungen des Servers konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Reading sessions…</source>
        <translation>Sitzungen werden gelesen…</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) on the server</source>
        <translation>
            <numerusform>%n Sitzung auf dem Server</numerusform>
            <numerusform>%n Sitzungen auf dem Server</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) in %1</source>
        <translation>
            <numerusform>%n Sitzung in %1</numerusform>
            <numerusform>%n Sitzungen in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of ours (highlighted)</source>
        <translation>
            <numerusform>%n davon unsere (hervorgehoben)</numerusform>
            <numerusform>%n davon unsere (hervorgehoben)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more in other databases or background processes</source>
        <translation>
            <numerusform>%n weitere in anderen Datenbanken oder Hintergrundprozessen</numerusform>
            <numerusform>%n weitere in anderen Datenbanken oder Hintergrundprozessen</numerusform>
        </translation>
    </message>
    <message>
        <source>Terminate session %1 (%2, user %3)?

Its connection is closed and a transaction in progress is rolled back.</source>
        <translation>Sitzung %1 (%2, Benutzer %3) beenden?

Ihre Verbindung wird geschlossen und eine laufende Transaktion zurückgerollt.</translation>
    </message>
    <message>
        <source>This is a connection of this application&apos;s own pool; the pool opens a new one when needed.</source>
        <translation>Dies ist eine Verbindung aus dem eigenen Pool dieser Anwendung; der Pool öffnet bei Bedarf eine neue.</translation>
    </message>
    <message>
        <source>Terminate session</source>
        <translation>Sitzung beenden</translation>
    </message>
    <message>
        <source>Terminate</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Could not terminate pid %1 (%2): %3</source>
        <translation>PID %1 (%2) konnte nicht beendet werden: %3</translation>
    </message>
    <message>
        <source>Could not cancel the query of pid %1 (%2): %3</source>
        <translation>Die Abfrage von PID %1 (%2) konnte nicht abgebrochen werden: %3</translation>
    </message>
    <message>
        <source>Terminated pid %1 (%2).</source>
        <translation>PID %1 (%2) beendet.</translation>
    </message>
    <message>
        <source>Cancel sent to pid %1 (%2): its running query ends with an error.</source>
        <translation>Abbruch an PID %1 (%2) gesendet: die laufende Abfrage endet mit einem Fehler.</translation>
    </message>
    <message>
        <source>pid %1 (%2) is %3 and runs no query: nothing to cancel.</source>
        <translation>PID %1 (%2) ist %3 und führt keine Abfrage aus: nichts abzubrechen.</translation>
    </message>
    <message>
        <source>pid %1 was an idle connection of our own pool; the pool closed it.</source>
        <translation>PID %1 war eine freie Verbindung aus unserem eigenen Pool; der Pool hat sie geschlossen.</translation>
    </message>
    <message>
        <source>Terminate sent to pid %1 (%2), but it had not exited after 5 s.</source>
        <translation>Beenden an PID %1 (%2) gesendet, aber der Prozess lief nach 5 s noch.</translation>
    </message>
</context>
<context>
    <name>melodee::ConnectionProfilesDialog</name>
    <message>
        <source>Connection profiles</source>
        <translation>Verbindungsprofile</translation>
    </message>
    <message>
        <source>Connecting… %1 s (gives up after %2)</source>
        <translation>Verbinde… %1 s (Abbruch nach %2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Datei auswählen</translation>
    </message>
    <message>
        <source>&amp;Profiles</source>
        <translation>&amp;Profile</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>e.g. production</source>
        <translation>z. B. produktion</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>default: local socket or PGHOST</source>
        <translation>Standard: lokaler Socket oder PGHOST</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>default (5432)</source>
        <translation>Standard (5432)</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Connect &amp;timeout:</source>
        <translation>Verbindungs-&amp;Timeout:</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>default (prefer)</source>
        <translation>Standard (prefer)</translation>
    </message>
    <message>
        <source>SSL &amp;mode:</source>
        <translation>SSL-&amp;Modus:</translation>
    </message>
    <message>
        <source>Certificates (*.crt *.pem *.cer);;All files (*)</source>
        <translation>Zertifikate (*.crt *.pem *.cer);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Root CA (sslrootcert):</source>
        <translation>Stammzertifizierungsstelle (sslrootcert):</translation>
    </message>
    <message>
        <source>Client certificate (sslcert):</source>
        <translation>Client-Zertifikat (sslcert):</translation>
    </message>
    <message>
        <source>Client key (sslkey):</source>
        <translation>Client-Schlüssel (sslkey):</translation>
    </message>
    <message>
        <source>Keys (*.key *.pem);;All files (*)</source>
        <translation>Schlüssel (*.key *.pem);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Max &amp;open connections:</source>
        <translation>Max. &amp;offene Verbindungen:</translation>
    </message>
    <message>
        <source>Max &amp;idle connections:</source>
        <translation>Max. &amp;ruhende Verbindungen:</translation>
    </message>
    <message>
        <source>e.g. 30m; 0 = no limit</source>
        <translation>z. B. 30m; 0 = keine Grenze</translation>
    </message>
    <message>
        <source>Connection &amp;lifetime:</source>
        <translation>Verbindungs&amp;lebensdauer:</translation>
    </message>
    <message>
        <source>e.g. 15m; 0 = no limit</source>
        <translation>z. B. 15m; 0 = keine Grenze</translation>
    </message>
    <message>
        <source>Max idle &amp;time:</source>
        <translation>Max. Ruhe&amp;zeit:</translation>
    </message>
    <message>
        <source>&amp;Import Melodee config…</source>
        <translation>Melodee-Konfiguration &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation>Verbindungs-Timeout</translation>
    </message>
    <message>
        <source>Connection lifetime</source>
        <translation>Verbindungslebensdauer</translation>
    </message>
    <message>
        <source>Max idle time</source>
        <translation>Max. Ruhezeit</translation>
    </message>
    <message>
        <source>%1: the file &quot;%2&quot; cannot be read.</source>
        <translation>%1: Die Datei „%2“ kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Name: enter a name to save this profile.</source>
        <translation>Name: Geben Sie einen Namen ein, um dieses Profil zu speichern.</translation>
    </message>
    <message>
        <source>Name: &quot;%1&quot; is not a valid profile name (letters, digits, space, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;; starting with a letter or digit; at most 64).</source>
        <translation>Name: „%1“ ist kein gültiger Profilname (Buchstaben, Ziffern, Leerzeichen, &apos;.&apos;, &apos;_&apos; und &apos;-&apos;; beginnt mit einem Buchstaben oder einer Ziffer; höchstens 64).</translation>
    </message>
    <message>
        <source>Cancel &amp;test</source>
        <translation>Test &amp;abbrechen</translation>
    </message>
    <message>
        <source>Looking for the OS keychain…</source>
        <translation>Suche den Schlüsselbund des Systems…</translation>
    </message>
    <message>
        <source>Reading the saved password from the keychain…</source>
        <translation>Lese das gespeicherte Passwort aus dem Schlüsselbund…</translation>
    </message>
    <message>
        <source>A password is saved in the OS keychain; type here to replace it.</source>
        <translation>Im Schlüsselbund des Systems ist ein Passwort gespeichert; tippen Sie hier, um es zu ersetzen.</translation>
    </message>
    <message>
        <source>Saving stores the password in the OS keychain, never in a file.</source>
        <translation>Beim Speichern landet das Passwort im Schlüsselbund des Systems, nie in einer Datei.</translation>
    </message>
    <message>
        <source>The OS keychain is not available, so the password is not saved: enter it here each time you connect.</source>
        <translation>Der Schlüsselbund des Systems ist nicht verfügbar, daher wird das Passwort nicht gespeichert: Geben Sie es bei jeder Verbindung hier ein.</translation>
    </message>
    <message>
        <source>saved in the keychain</source>
        <translation>im Schlüsselbund gespeichert</translation>
    </message>
    <message>
        <source>Could not read the saved password: %1</source>
        <translation>Das gespeicherte Passwort konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Not saved: a profile named &quot;%1&quot; already exists.</source>
        <translation>Nicht gespeichert: Ein Profil namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>Saved profile &quot;%1&quot;.</source>
        <translation>Profil „%1“ gespeichert.</translation>
    </message>
    <message>
        <source>The profile was saved but its password was not: %1</source>
        <translation>Das Profil wurde gespeichert, sein Passwort aber nicht: %1</translation>
    </message>
    <message>
        <source>Storing the password in the keychain…</source>
        <translation>Speichere das Passwort im Schlüsselbund…</translation>
    </message>
    <message>
        <source>The password was not saved (no keychain); it stays in this form until the dialog closes.</source>
        <translation>Das Passwort wurde nicht gespeichert (kein Schlüsselbund); es bleibt in diesem Formular, bis der Dialog geschlossen wird.</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>Profil löschen</translation>
    </message>
    <message>
        <source>Delete the connection profile &quot;%1&quot; and its saved password?</source>
        <translation>Das Verbindungsprofil „%1“ und sein gespeichertes Passwort löschen?</translation>
    </message>
    <message>
        <source>Deleted profile &quot;%1&quot;.</source>
        <translation>Profil „%1“ gelöscht.</translation>
    </message>
    <message>
        <source>Cannot test: %1</source>
        <translation>Test nicht möglich: %1</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Test cancelled.</source>
        <translation>Test abgebrochen.</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>not in use</source>
        <translation>nicht aktiv</translation>
    </message>
    <message>
        <source>Connected: PostgreSQL %1, database &quot;%2&quot; as &quot;%3&quot;.
Connect %4 ms, SELECT 1 %5 ms. TLS: %6.</source>
        <translation>Verbunden: PostgreSQL %1, Datenbank „%2“ als „%3“.
Verbindungsaufbau %4 ms, SELECT 1 %5 ms. TLS: %6.</translation>
    </message>
    <message>
        <source>Import Melodee config</source>
        <translation>Melodee-Konfiguration importieren</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml);;All files (*)</source>
        <translation>YAML-Dateien (*.yaml *.yml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not import &quot;%1&quot;:
%2</source>
        <translation>„%1“ konnte nicht importiert werden:
%2</translation>
    </message>
    <message>
        <source>Imported the database settings of &quot;%1&quot;. Review them and Save.</source>
        <translation>Die Datenbankeinstellungen aus „%1“ wurden importiert. Prüfen und speichern Sie sie.</translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation>Warnungen:</translation>
    </message>
    <message>
        <source>Cannot connect: %1</source>
        <translation>Verbindung nicht möglich: %1</translation>
    </message>
    <message>
        <source>%1 (it is still stored under &quot;%2&quot;)</source>
        <translation>%1 (es ist weiterhin unter „%2“ gespeichert)</translation>
    </message>
    <message>
        <source>it was copied to &quot;%1&quot; but could not be removed from &quot;%2&quot;: %3</source>
        <translation>es wurde nach „%1“ kopiert, konnte aber nicht aus „%2“ entfernt werden: %3</translation>
    </message>
    <message>
        <source>Moving the password in the keychain…</source>
        <translation>Das Passwort wird im Schlüsselbund verschoben…</translation>
    </message>
    <message>
        <source>The saved password belongs to the server this profile had before; enter the password for the new host and port.</source>
        <translation>Das gespeicherte Passwort gehört zu dem Server, auf den dieses Profil vorher zeigte. Geben Sie das Passwort für den neuen Host und Port ein.</translation>
    </message>
    <message>
        <source>Its saved password was for the previous server and was removed from the keychain.</source>
        <translation>Sein gespeichertes Passwort galt dem vorherigen Server und wurde aus dem Schlüsselbund entfernt.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a duration (%3). Use a number with a unit, such as 30m, 1h30m, 90s or 500ms.</source>
        <translation>%1: „%2“ ist keine Dauer (%3). Verwenden Sie eine Zahl mit Einheit, etwa 30m, 1h30m, 90s oder 500ms.</translation>
    </message>
    <message>
        <source>Root CA</source>
        <translation>Stamm-CA</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>Client-Zertifikat</translation>
    </message>
    <message>
        <source>Client key</source>
        <translation>Client-Schlüssel</translation>
    </message>
    <message>
        <source>Max idle connections (%1) is above max open connections (%2): it will be lowered to %2.</source>
        <translation>Max. ruhende Verbindungen (%1) liegt über max. offenen Verbindungen (%2): Der Wert wird auf %2 gesenkt.</translation>
    </message>
    <message>
        <source>Connection failed after %1 s.
%2</source>
        <translation>Verbindung nach %1 s fehlgeschlagen.
%2</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>The new profile has not been saved. Discard it?</source>
        <translation>Das neue Profil wurde nicht gespeichert. Verwerfen?</translation>
    </message>
    <message>
        <source>The changes to &quot;%1&quot; have not been saved. Discard them?</source>
        <translation>Die Änderungen an „%1“ wurden nicht gespeichert. Verwerfen?</translation>
    </message>
    <message>
        <source>How long to wait for the server, such as 10s or 1m. libpq waits at least 2s.</source>
        <translation>Wie lange auf den Server gewartet wird, etwa 10s oder 1m. libpq wartet mindestens 2s.</translation>
    </message>
</context>
<context>
    <name>melodee::ConnectionSession</name>
    <message>
        <source>local socket</source>
        <translation>lokaler Socket</translation>
    </message>
</context>
<context>
    <name>melodee::ConversionDialog</name>
    <message>
        <source>Convert a table to monthly partitions</source>
        <translation>Tabelle in Monatspartitionen umwandeln</translation>
    </message>
    <message>
        <source>A plain table in the current schema, e.g. tracks</source>
        <translation>Eine einfache Tabelle im aktuellen Schema, z. B. tracks</translation>
    </message>
    <message>
        <source>A timestamptz, timestamp or date column, e.g. created_at</source>
        <translation>Eine Spalte vom Typ timestamptz, timestamp oder date, z. B. created_at</translation>
    </message>
    <message>
        <source>&amp;Plan (dry run)</source>
        <translation>&amp;Planen (Probelauf)</translation>
    </message>
    <message>
        <source>Read the catalog and show what the conversion will do; nothing is changed</source>
        <translation>Den Katalog lesen und zeigen, was die Umwandlung tun wird; nichts wird geändert</translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation>&amp;Tabelle:</translation>
    </message>
    <message>
        <source>Partition &amp;column:</source>
        <translation>Partitions&amp;spalte:</translation>
    </message>
    <message>
        <source>I &amp;reviewed this plan</source>
        <translation>Ich habe diesen Plan &amp;geprüft</translation>
    </message>
    <message>
        <source>Reviewer name (recorded with the plan&apos;s hash)</source>
        <translation>Name des Prüfers (mit dem Hash des Plans gespeichert)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Convert exactly the reviewed plan (refused if it changed)</source>
        <translation>Genau den geprüften Plan umsetzen (abgelehnt, wenn er sich geändert hat)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Progress: batches copied, verification, retries of the swap</source>
        <translation>Fortschritt: kopierte Stapel, Prüfung, Wiederholungen des Tauschs</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Planen…</translation>
    </message>
    <message>
        <source>planning cancelled</source>
        <translation>Planung abgebrochen</translation>
    </message>
    <message>
        <source>No plan: %1</source>
        <translation>Kein Plan: %1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Plan %1, in progress: Apply resumes it.</source>
        <translation>Plan %1, begonnen: Anwenden setzt ihn fort.</translation>
    </message>
    <message numerus="yes">
        <source>Plan %1: %n month partition(s) and a default.</source>
        <translation>
            <numerusform>Plan %1: %n Monatspartition und eine Standardpartition.</numerusform>
            <numerusform>Plan %1: %n Monatspartitionen und eine Standardpartition.</numerusform>
        </translation>
    </message>
    <message>
        <source>dry run: plan %1 for %2 by %3</source>
        <translation>Probelauf: Plan %1 für %2 nach %3</translation>
    </message>
    <message>
        <source>foreign key %1 (%2 -&gt; %3): %4</source>
        <translation>Fremdschlüssel %1 (%2 -&gt; %3): %4</translation>
    </message>
    <message>
        <source>key %1 widened to (%2)</source>
        <translation>Schlüssel %1 erweitert auf (%2)</translation>
    </message>
    <message>
        <source>%1 renamed to %2, the partitioned copy renamed to %1</source>
        <translation>%1 umbenannt in %2, die partitionierte Kopie umbenannt in %1</translation>
    </message>
    <message>
        <source>apply refused by the production guard</source>
        <translation>Anwenden vom Produktionsschutz abgelehnt</translation>
    </message>
    <message>
        <source>Not converted: the production guard needs confirmation for %1</source>
        <translation>Nicht umgewandelt: Der Produktionsschutz verlangt eine Bestätigung für %1</translation>
    </message>
    <message>
        <source>production guard: confirmed by %1</source>
        <translation>Produktionsschutz: bestätigt von %1</translation>
    </message>
    <message>
        <source>Converting…</source>
        <translation>Umwandeln…</translation>
    </message>
    <message>
        <source>convert %1 by %2, plan %3, reviewed by %4</source>
        <translation>%1 nach %2 umwandeln, Plan %3, geprüft von %4</translation>
    </message>
    <message numerus="yes">
        <source>%1 converted (plan %2): %3 rows in %n month(s) verified; the old table is %4.</source>
        <translation>
            <numerusform>%1 umgewandelt (Plan %2): %3 Zeilen in %n Monat geprüft; die alte Tabelle ist %4.</numerusform>
            <numerusform>%1 umgewandelt (Plan %2): %3 Zeilen in %n Monaten geprüft; die alte Tabelle ist %4.</numerusform>
        </translation>
    </message>
    <message>
        <source>conversion cancelled; Plan and Apply again to resume it</source>
        <translation>Umwandlung abgebrochen; Planen und Anwenden setzt sie fort</translation>
    </message>
    <message>
        <source>Conversion cancelled. Nothing was swapped; the rows copied so far are kept, and applying the plan again resumes it.</source>
        <translation>Umwandlung abgebrochen. Nichts wurde getauscht; die bisher kopierten Zeilen bleiben erhalten, und erneutes Anwenden des Plans setzt sie fort.</translation>
    </message>
    <message>
        <source>conversion failed: %1</source>
        <translation>Umwandlung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Conversion failed: %1</source>
        <translation>Umwandlung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>copying: %p%</source>
        <translation>kopieren: %p%</translation>
    </message>
    <message>
        <source>verifying…</source>
        <translation>prüfen…</translation>
    </message>
    <message>
        <source>swapping…</source>
        <translation>tauschen…</translation>
    </message>
    <message>
        <source>cancel requested</source>
        <translation>Abbruch angefordert</translation>
    </message>
</context>
<context>
    <name>melodee::ConversionFindingsModel</name>
    <message>
        <source>primary key %1 (%2)</source>
        <translation>Primärschlüssel %1 (%2)</translation>
    </message>
    <message>
        <source>unique key %1 (%2)</source>
        <translation>eindeutiger Schlüssel %1 (%2)</translation>
    </message>
    <message>
        <source>kept as it is</source>
        <translation>bleibt wie er ist</translation>
    </message>
    <message>
        <source>becomes (%1)</source>
        <translation>wird (%1)</translation>
    </message>
    <message>
        <source>incoming foreign key %1: %2 -&gt; %3</source>
        <translation>eingehender Fremdschlüssel %1: %2 -&gt; %3</translation>
    </message>
    <message>
        <source>outgoing foreign key %1: %2 -&gt; %3</source>
        <translation>ausgehender Fremdschlüssel %1: %2 -&gt; %3</translation>
    </message>
    <message>
        <source>note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Key or foreign key</source>
        <translation>Schlüssel oder Fremdschlüssel</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>Was geschieht</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Warum</translation>
    </message>
</context>
<context>
    <name>melodee::DashboardView</name>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>ruhend</translation>
    </message>
    <message>
        <source>max open</source>
        <translation>max. offen</translation>
    </message>
    <message>
        <source>max idle</source>
        <translation>max. ruhend</translation>
    </message>
    <message>
        <source>Waits per second</source>
        <translation>Wartevorgänge pro Sekunde</translation>
    </message>
    <message>
        <source>waits/s</source>
        <translation>Wartevorgänge/s</translation>
    </message>
    <message>
        <source>1/s</source>
        <translation>1/s</translation>
    </message>
    <message>
        <source>Average wait</source>
        <translation>Durchschnittliche Wartezeit</translation>
    </message>
    <message>
        <source>avg wait</source>
        <translation>Ø Wartezeit</translation>
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
        <translation>Pool-Einstellungen (Laufzeit)</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Max open</source>
        <translation>Max. offen</translation>
    </message>
    <message>
        <source>Max idle</source>
        <translation>Max. ruhend</translation>
    </message>
    <message>
        <source>Load test (acquire, SELECT 1, release)</source>
        <translation>Lasttest (belegen, SELECT 1, freigeben)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Run load test</source>
        <translation>Lasttest starten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Checking %1 …</source>
        <translation>Prüfe %1 …</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source> — %1 ms round trip</source>
        <translation> — %1 ms Umlaufzeit</translation>
    </message>
    <message>
        <source>Running %1 workers for %2 s …</source>
        <translation>%1 Worker laufen %2 s lang …</translation>
    </message>
    <message>
        <source>Cancelled after </source>
        <translation>Abgebrochen nach </translation>
    </message>
    <message>
        <source>
First error: %1</source>
        <translation>
Erster Fehler: %1</translation>
    </message>
    <message>
        <source>Acquire latency p99 (each second)</source>
        <translation>Latenz beim Belegen p99 (je Sekunde)</translation>
    </message>
    <message>
        <source>Cancelled before it started</source>
        <translation>Abgebrochen, bevor er begann</translation>
    </message>
    <message>
        <source>Load test failed: %1</source>
        <translation>Lasttest fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1%2 ops in %3 s: %4 ops/s, latency p50 %5 ms, p99 %6 ms, %7 errors</source>
        <translation>%1%2 Operationen in %3 s: %4 Ops/s, Latenz p50 %5 ms, p99 %6 ms, %7 Fehler</translation>
    </message>
</context>
<context>
    <name>melodee::ErrorBanner</name>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>melodee::LockWaitModel</name>
    <message>
        <source>Waiting pid</source>
        <translation>Wartende PID</translation>
    </message>
    <message>
        <source>Blocked by</source>
        <translation>Blockiert von</translation>
    </message>
    <message>
        <source>Waiting for</source>
        <translation>Wartet seit</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Sperre</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Abfrage</translation>
    </message>
</context>
<context>
    <name>melodee::LogDock</name>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>&amp;Stufe:</translation>
    </message>
    <message>
        <source>Filter by category or message</source>
        <translation>Nach Kategorie oder Meldung filtern</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
</context>
<context>
    <name>melodee::LogModel</name>
    <message>
        <source>Debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Fatal</source>
        <translation>Fatal</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
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
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Connection &amp;profiles…</source>
        <translation>Verbindungs&amp;profile…</translation>
    </message>
    <message>
        <source>&amp;Check health now</source>
        <translation>&amp;Gesundheit jetzt prüfen</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Protokoll</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Melodee Admin</source>
        <translation>&amp;Über Melodee Admin</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Configuration error</source>
        <translation>Konfigurationsfehler</translation>
    </message>
    <message>
        <source>The configuration cannot be used, so Melodee Admin starts without a connection.</source>
        <translation>Die Konfiguration ist nicht verwendbar, daher startet Melodee Admin ohne Verbindung.</translation>
    </message>
    <message>
        <source>Reading the password of &quot;%1&quot; from the keychain…</source>
        <translation>Lese das Passwort von „%1“ aus dem Schlüsselbund…</translation>
    </message>
    <message>
        <source>Password for %1</source>
        <translation>Passwort für %1</translation>
    </message>
    <message>
        <source>The OS keychain is not available (%1).
Enter the password for %2; it is kept only in memory:</source>
        <translation>Der Schlüsselbund des Systems ist nicht verfügbar (%1).
Geben Sie das Passwort für %2 ein; es wird nur im Arbeitsspeicher gehalten:</translation>
    </message>
    <message>
        <source>Not connected: open File → Connection profiles… (%1)</source>
        <translation>Nicht verbunden: Datei → Verbindungsprofile… öffnen (%1)</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>Database: %1 (profile &quot;%2&quot;)</source>
        <translation>Datenbank: %1 (Profil „%2“)</translation>
    </message>
    <message>
        <source>%1 — Melodee Admin</source>
        <translation>%1 — Melodee Admin</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>beeinträchtigt</translation>
    </message>
    <message>
        <source>unhealthy</source>
        <translation>gestört</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>prüfe…</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
    <message>
        <source>not in use</source>
        <translation>nicht aktiv</translation>
    </message>
    <message>
        <source>Checked at %1</source>
        <translation>Geprüft um %1</translation>
    </message>
    <message>
        <source>SELECT 1 in %1 ms</source>
        <translation>SELECT 1 in %1 ms</translation>
    </message>
    <message>
        <source>PostgreSQL %1, database &quot;%2&quot;; TLS: %3</source>
        <translation>PostgreSQL %1, Datenbank „%2“; TLS: %3</translation>
    </message>
    <message>
        <source>Pool: %1 open, %2 in use, %3 idle (max %4)</source>
        <translation>Pool: %1 offen, %2 aktiv, %3 ruhend (max. %4)</translation>
    </message>
    <message>
        <source>L&amp;anguage</source>
        <translation>S&amp;prache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The language changes to %1 the next time you start Melodee Admin.</source>
        <translation>Die Sprache wechselt beim nächsten Start von Melodee Admin zu %1.</translation>
    </message>
    <message>
        <source>Schema: …</source>
        <translation>Schema: …</translation>
    </message>
    <message>
        <source>Schema: not recognised</source>
        <translation>Schema: nicht erkannt</translation>
    </message>
    <message>
        <source>Schema: Melodee v%1</source>
        <translation>Schema: Melodee v%1</translation>
    </message>
    <message>
        <source>Schema: melodee-next (songs read-only)</source>
        <translation>Schema: melodee-next (Songs nur lesbar)</translation>
    </message>
    <message>
        <source>Schema: unknown</source>
        <translation>Schema: unbekannt</translation>
    </message>
    <message>
        <source>Not available here:</source>
        <translation>Hier nicht verfügbar:</translation>
    </message>
</context>
<context>
    <name>melodee::MigrationListModel</name>
    <message>
        <source>Pending plan</source>
        <translation>Ausstehender Plan</translation>
    </message>
    <message numerus="yes">
        <source>%n pending</source>
        <translation>
            <numerusform>%n ausstehend</numerusform>
            <numerusform>%n ausstehend</numerusform>
        </translation>
    </message>
    <message>
        <source>Everything an apply would run now, in order, grouped by phase</source>
        <translation>Alles, was ein Anwenden jetzt ausführen würde, in Reihenfolge und nach Phase gruppiert</translation>
    </message>
    <message>
        <source>SHA-256 of the file: %1</source>
        <translation>SHA-256 der Datei: %1</translation>
    </message>
    <message>
        <source>
recorded when applied: %1</source>
        <translation>
beim Anwenden festgehalten: %1</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Checksum</source>
        <translation>Prüfsumme</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>Prüfer</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>applied %1 by %2 in %3 ms, plan %4</source>
        <translation>angewendet am %1 von %2 in %3 ms, Plan %4</translation>
    </message>
    <message>
        <source>Applied (UTC)</source>
        <translation>Angewendet (UTC)</translation>
    </message>
</context>
<context>
    <name>melodee::MigrationSqlPane</name>
    <message>
        <source>production applies it only after an explicit confirmation</source>
        <translation>production wendet dies erst nach ausdrücklicher Bestätigung an</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Befund</translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>Abhilfe</translation>
    </message>
    <message>
        <source>Pending plan: nothing to do</source>
        <translation>Ausstehender Plan: nichts zu tun</translation>
    </message>
    <message>
        <source>Pending plan %1, exactly what Apply runs</source>
        <translation>Ausstehender Plan %1, genau das, was Anwenden ausführt</translation>
    </message>
    <message>
        <source>transactional</source>
        <translation>transaktional</translation>
    </message>
    <message>
        <source>non-transactional</source>
        <translation>nicht transaktional</translation>
    </message>
    <message>
        <source>reversible</source>
        <translation>umkehrbar</translation>
    </message>
    <message>
        <source>irreversible</source>
        <translation>nicht umkehrbar</translation>
    </message>
    <message>
        <source>V%1 %2: pending, the statements Apply runs</source>
        <translation>V%1 %2: ausstehend, die Anweisungen, die Anwenden ausführt</translation>
    </message>
    <message>
        <source>V%1 %2: %3</source>
        <translation>V%1 %2: %3</translation>
    </message>
    <message>
        <source>V%1: no file for this migration (only in the history)</source>
        <translation>V%1: keine Datei zu dieser Migration (nur in der Historie)</translation>
    </message>
    <message>
        <source>rewrites %1 (created here)</source>
        <translation>schreibt %1 neu (hier angelegt)</translation>
    </message>
    <message>
        <source>rewrites %1, %2</source>
        <translation>schreibt %1 neu, %2</translation>
    </message>
    <message numerus="yes">
        <source>waited for %n session(s)</source>
        <translation>
            <numerusform>wartete auf %n Sitzung</numerusform>
            <numerusform>wartete auf %n Sitzungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>blocked %n session(s)</source>
        <translation>
            <numerusform>blockierte %n Sitzung</numerusform>
            <numerusform>blockierte %n Sitzungen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>took %1 on %2</source>
        <translation>nahm %1 auf %2</translation>
    </message>
    <message>
        <source>holds %1 on %2</source>
        <translation>hält %1 auf %2</translation>
    </message>
    <message>
        <source>%1 pid %2 (%3, application &quot;%4&quot;) %5 on %6</source>
        <translation>%1 PID %2 (%3, Anwendung „%4“) %5 auf %6</translation>
    </message>
    <message>
        <source>held by</source>
        <translation>gehalten von</translation>
    </message>
    <message>
        <source>waiting:</source>
        <translation>wartend:</translation>
    </message>
    <message>
        <source>Rehearsal, rolled back:</source>
        <translation>Generalprobe, zurückgerollt:</translation>
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
        <translation>Migrationen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Dry run</source>
        <translation>&amp;Probelauf</translation>
    </message>
    <message>
        <source>Plan every pending statement, grouped by phase, without writing anything (Ctrl+D)</source>
        <translation>Jede ausstehende Anweisung nach Phase gruppiert planen, ohne etwas zu schreiben (Strg+D)</translation>
    </message>
    <message>
        <source>Re&amp;hearse</source>
        <translation>&amp;Generalprobe</translation>
    </message>
    <message>
        <source>&amp;Export plan…</source>
        <translation>Plan &amp;exportieren…</translation>
    </message>
    <message>
        <source>Save the reviewable plan file with its hash, for `melodee migrate --plan FILE`</source>
        <translation>Die prüfbare Plandatei mit ihrem Hash speichern, für `melodee migrate --plan FILE`</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>I &amp;reviewed this plan</source>
        <translation>Ich habe diesen Plan &amp;geprüft</translation>
    </message>
    <message>
        <source>Reviewer name (recorded in the history)</source>
        <translation>Name des Prüfers (wird in der Historie festgehalten)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Apply exactly the reviewed plan (refused if it changed)</source>
        <translation>Genau den geprüften Plan anwenden (wird verweigert, falls er sich geändert hat)</translation>
    </message>
    <message>
        <source>Live log: statements as they run, lock waits and retries</source>
        <translation>Live-Protokoll: Anweisungen während der Ausführung, Sperrwartezeiten und Wiederholungen</translation>
    </message>
    <message>
        <source>Export plan</source>
        <translation>Plan exportieren</translation>
    </message>
    <message>
        <source>SQL plan (*.sql)</source>
        <translation>SQL-Plan (*.sql)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lade…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Nothing to apply</source>
        <translation>Nichts anzuwenden</translation>
    </message>
    <message>
        <source>Tick &quot;I reviewed this plan&quot; and enter your name</source>
        <translation>Kreuzen Sie „Ich habe diesen Plan geprüft“ an und geben Sie Ihren Namen ein</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Plane…</translation>
    </message>
    <message>
        <source>Could not read the migrations: %1</source>
        <translation>Die Migrationen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Could not load.</source>
        <translation>Laden fehlgeschlagen.</translation>
    </message>
    <message numerus="yes">
        <source>dry run: %n migration(s), %1 statements, phases %2, plan %3</source>
        <translation>
            <numerusform>Probelauf: %n Migration, %1 Anweisungen, Phasen %2, Plan %3</numerusform>
            <numerusform>Probelauf: %n Migrationen, %1 Anweisungen, Phasen %2, Plan %3</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Rehearsing…</source>
        <translation>Generalprobe läuft…</translation>
    </message>
    <message>
        <source>Rehearsal could not run: %1</source>
        <translation>Die Generalprobe konnte nicht laufen: %1</translation>
    </message>
    <message>
        <source>rehearsal error: %1</source>
        <translation>Fehler bei der Generalprobe: %1</translation>
    </message>
    <message>
        <source>Not rehearsed (non-transactional): %1</source>
        <translation>Nicht geprobt (nicht transaktional): %1</translation>
    </message>
    <message>
        <source>Rehearsal failed at V%1</source>
        <translation>Generalprobe bei V%1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>rehearsal failed at V%1: %2</source>
        <translation>Generalprobe bei V%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Could not write the plan to %1</source>
        <translation>Der Plan konnte nicht nach %1 geschrieben werden</translation>
    </message>
    <message>
        <source>plan %1 written to %2</source>
        <translation>Plan %1 nach %2 geschrieben</translation>
    </message>
    <message>
        <source>Plan %1 exported to %2. Apply it elsewhere with `melodee migrate --plan %2 --reviewer NAME`.</source>
        <translation>Plan %1 nach %2 exportiert. Wenden Sie ihn anderswo mit `melodee migrate --plan %2 --reviewer NAME` an.</translation>
    </message>
    <message>
        <source>apply refused by the production guard: %1</source>
        <translation>Anwenden vom Produktionsschutz verweigert: %1</translation>
    </message>
    <message>
        <source>Not applied: the production guard needs confirmation for %1</source>
        <translation>Nicht angewendet: Der Produktionsschutz verlangt eine Bestätigung für %1</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wende an…</translation>
    </message>
    <message>
        <source>%v / %m statements</source>
        <translation>%v / %m Anweisungen</translation>
    </message>
    <message>
        <source>apply plan %1 (%2 statements), reviewed by %3</source>
        <translation>Plan %1 anwenden (%2 Anweisungen), geprüft von %3</translation>
    </message>
    <message numerus="yes">
        <source>Applied %n migration(s); database at version %1 (plan %2).</source>
        <translation>
            <numerusform>%n Migration angewendet; Datenbank auf Version %1 (Plan %2).</numerusform>
            <numerusform>%n Migrationen angewendet; Datenbank auf Version %1 (Plan %2).</numerusform>
        </translation>
    </message>
    <message>
        <source>apply failed: %1</source>
        <translation>Anwenden fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Apply failed: %1</source>
        <translation>Anwenden fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Rehearsed %1 of %n migration(s) in one transaction, rolled back: nothing was changed.</source>
        <translation>
            <numerusform>%1 von %n Migration in einer Transaktion geprobt und zurückgerollt: Es wurde nichts geändert.</numerusform>
            <numerusform>%1 von %n Migrationen in einer Transaktion geprobt und zurückgerollt: Es wurde nichts geändert.</numerusform>
        </translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>taking the migration lock</source>
        <translation>Migrationssperre wird angefordert</translation>
    </message>
    <message>
        <source>rehearsal cancelled; rolled back</source>
        <translation>Generalprobe abgebrochen; zurückgerollt</translation>
    </message>
    <message>
        <source>apply refused: %1</source>
        <translation>Anwenden verweigert: %1</translation>
    </message>
    <message>
        <source>Not applied: the history records production, but this connection&apos;s migrate.environment is %1</source>
        <translation>Nicht angewendet: Die Historie verzeichnet production, aber migrate.environment dieser Verbindung ist %1</translation>
    </message>
    <message>
        <source>production guard: steps allowed by %1: %2</source>
        <translation>Produktionsschutz: Schritte erlaubt von %1: %2</translation>
    </message>
    <message>
        <source>apply cancelled</source>
        <translation>Anwenden abgebrochen</translation>
    </message>
    <message>
        <source>apply stopped: %1</source>
        <translation>Anwenden gestoppt: %1</translation>
    </message>
    <message>
        <source>Apply cancelled. The list below shows what was applied.</source>
        <translation>Anwenden abgebrochen. Die Liste unten zeigt, was angewendet wurde.</translation>
    </message>
    <message>
        <source>cancel requested</source>
        <translation>Abbruch angefordert</translation>
    </message>
    <message>
        <source>Run the pending transactional migrations in one transaction and roll it back; each statement&apos;s locks, rewrites and time show beside it</source>
        <translation>Die ausstehenden transaktionalen Migrationen in einer Transaktion ausführen und diese zurückrollen; Sperren, Neuschreibungen und Dauer jeder Anweisung stehen daneben</translation>
    </message>
    <message>
        <source>%1 · at version %2 · nothing pending</source>
        <translation>%1 · auf Version %2 · nichts ausstehend</translation>
    </message>
    <message>
        <source>%1 · at version %2 · %3, %4 · lint: %5, %6 · plan %7 · environment %8</source>
        <translation>%1 · auf Version %2 · %3, %4 · Lint: %5, %6 · Plan %7 · Umgebung %8</translation>
    </message>
    <message numerus="yes">
        <source>%n pending migration(s)</source>
        <translation>
            <numerusform>%n ausstehende Migration</numerusform>
            <numerusform>%n ausstehende Migrationen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n statement(s)</source>
        <translation>
            <numerusform>%n Anweisung</numerusform>
            <numerusform>%n Anweisungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · guard: %n step(s) production applies only after confirmation</source>
        <translation>
            <numerusform> · Schutz: %n Schritt, den production erst nach Bestätigung anwendet</numerusform>
            <numerusform> · Schutz: %n Schritte, die production erst nach Bestätigung anwendet</numerusform>
        </translation>
    </message>
    <message>
        <source> · the history records production, this connection says %1</source>
        <translation> · die Historie verzeichnet production, diese Verbindung meldet %1</translation>
    </message>
    <message>
        <source> · lint read the live catalog</source>
        <translation> · Lint hat den Live-Katalog gelesen</translation>
    </message>
    <message>
        <source> · lint offline (catalog not readable: %1)</source>
        <translation> · Lint offline (Katalog nicht lesbar: %1)</translation>
    </message>
    <message>
        <source>Connect to a database to rehearse</source>
        <translation>Für eine Generalprobe mit einer Datenbank verbinden</translation>
    </message>
    <message>
        <source>Refresh to load the plan, then rehearse</source>
        <translation>Aktualisieren, um den Plan zu laden, dann proben</translation>
    </message>
    <message>
        <source>Nothing pending to rehearse</source>
        <translation>Nichts Ausstehendes zu proben</translation>
    </message>
    <message>
        <source>Production guard</source>
        <translation>Produktionsschutz</translation>
    </message>
    <message>
        <source>This database is marked production. The plan contains steps the production guard stops (destructive, unclassified or irreversible):

%1

Apply them anyway?</source>
        <translation>Diese Datenbank ist als Produktion markiert. Der Plan enthält Schritte, die der Produktionsschutz anhält (zerstörerisch, nicht klassifiziert oder nicht umkehrbar):

%1

Trotzdem anwenden?</translation>
    </message>
    <message>
        <source>C&amp;onvert a table to monthly partitions…</source>
        <translation>Tabelle in M&amp;onatspartitionen umwandeln…</translation>
    </message>
    <message>
        <source>Plan, review and apply the online conversion of a plain table into monthly partitions (`melodee partitions convert`)</source>
        <translation>Die Online-Umwandlung einer einfachen Tabelle in Monatspartitionen planen, prüfen und anwenden (`melodee partitions convert`)</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionTimeline</name>
    <message>
        <source>%1 rows</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>≈ %1 rows</source>
        <translation>≈ %1 Zeilen</translation>
    </message>
    <message>
        <source>rows not estimated yet (never analysed)</source>
        <translation>Zeilen noch nicht geschätzt (nie analysiert)</translation>
    </message>
    <message>
        <source>%1
from %2
to %3
%4
%5 on disk</source>
        <translation>%1
von %2
bis %3
%4
%5 auf der Platte</translation>
    </message>
    <message>
        <source>Gap in %1: no partition
from %2
to %3
Rows for these dates go to the default partition.</source>
        <translation>Lücke in %1: keine Partition
von %2
bis %3
Zeilen für diese Daten landen in der Standardpartition.</translation>
    </message>
    <message>
        <source>%1 (default partition)
%2 rows
%3 on disk</source>
        <translation>%1 (Standardpartition)
%2 Zeilen
%3 auf der Platte</translation>
    </message>
    <message>
        <source>
Rows here are outside every month partition: use &quot;Move rows out of default&quot;.</source>
        <translation>
Diese Zeilen liegen außerhalb jeder Monatspartition: Verwenden Sie „Zeilen aus Standard verschieben“.</translation>
    </message>
    <message>
        <source>%1
%2 month partitions, %3 gaps, %4 months ahead covered</source>
        <translation>%1
%2 Monatspartitionen, %3 Lücken, %4 Monate im Voraus abgedeckt</translation>
    </message>
    <message>
        <source>Shaded by rows:</source>
        <translation>Schattiert nach Zeilen:</translation>
    </message>
    <message>
        <source>Shaded by size:</source>
        <translation>Schattiert nach Größe:</translation>
    </message>
    <message>
        <source>gap</source>
        <translation>Lücke</translation>
    </message>
    <message>
        <source>default partition holds rows</source>
        <translation>Standardpartition enthält Zeilen</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>premake horizon</source>
        <translation>Vorlaufhorizont</translation>
    </message>
    <message>
        <source>premake</source>
        <translation>Vorlauf</translation>
    </message>
    <message>
        <source>%1 partitions · %2 ahead</source>
        <translation>%1 Partitionen · %2 im Voraus</translation>
    </message>
    <message>
        <source>not created yet</source>
        <translation>noch nicht angelegt</translation>
    </message>
    <message>
        <source>default
%1 rows</source>
        <translation>Standard
%1 Zeilen</translation>
    </message>
    <message>
        <source>
Drift (partitions check):
%1</source>
        <translation>
Abweichung (Partitionsprüfung):
%1</translation>
    </message>
    <message numerus="yes">
        <source>
Older than the retention horizon (%n month(s) kept)</source>
        <translation>
            <numerusform>
Älter als der Aufbewahrungshorizont (%n Monat wird behalten)</numerusform>
            <numerusform>
Älter als der Aufbewahrungshorizont (%n Monate werden behalten)</numerusform>
        </translation>
    </message>
    <message>
        <source>retention</source>
        <translation>Aufbewahrung</translation>
    </message>
    <message>
        <source>before the retention horizon</source>
        <translation>vor dem Aufbewahrungshorizont</translation>
    </message>
    <message>
        <source>drift (partitions check)</source>
        <translation>Abweichung (Partitionsprüfung)</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionVacuumModel</name>
    <message>
        <source>autovacuum</source>
        <translation>Autovacuum</translation>
    </message>
    <message>
        <source>VACUUM</source>
        <translation>VACUUM</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2, %3 %</source>
        <translation>%1: %2, %3 %</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message numerus="yes">
        <source>%1
partition of %2; autovacuum ran %n time(s) on it</source>
        <translation>
            <numerusform>%1
Partition von %2; Autovacuum lief %n-mal darauf</numerusform>
            <numerusform>%1
Partition von %2; Autovacuum lief %n-mal darauf</numerusform>
        </translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Dead tuples</source>
        <translation>Tote Tupel</translation>
    </message>
    <message>
        <source>Live tuples</source>
        <translation>Lebende Tupel</translation>
    </message>
    <message>
        <source>Vacuum now</source>
        <translation>Vacuum jetzt</translation>
    </message>
    <message>
        <source>Last autovacuum</source>
        <translation>Letztes Autovacuum</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsDriftPanel</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Press Check to compare every partition with its parent.</source>
        <translation>„Prüfen“ vergleicht jede Partition mit ihrer Elterntabelle.</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last vacuum (UTC)</source>
        <translation>Letztes VACUUM (UTC)</translation>
    </message>
    <message>
        <source>Last analyze (UTC)</source>
        <translation>Letztes ANALYZE (UTC)</translation>
    </message>
    <message>
        <source>Dead rows</source>
        <translation>Tote Zeilen</translation>
    </message>
    <message>
        <source>Bytes/row</source>
        <translation>Bytes/Zeile</translation>
    </message>
    <message>
        <source>Bloat is an estimate from statistics, without a scan: the share of dead rows (n_dead_tup of pg_stat_user_tables) and bytes per row (relpages over reltuples) against the median of the table&apos;s partitions.</source>
        <translation>Der Bloat ist eine Schätzung aus den Statistiken, ohne Scan: der Anteil toter Zeilen (n_dead_tup aus pg_stat_user_tables) und die Bytes pro Zeile (relpages durch reltuples), verglichen mit dem Median der Partitionen der Tabelle.</translation>
    </message>
    <message>
        <source>drift, bloat</source>
        <translation>Abweichung, Bloat</translation>
    </message>
    <message>
        <source>drift</source>
        <translation>Abweichung</translation>
    </message>
    <message>
        <source>bloat</source>
        <translation>Bloat</translation>
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
            <numerusform>%n Partition um %1 UTC geprüft: </numerusform>
            <numerusform>%n Partitionen um %1 UTC geprüft: </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n drifted from the parent, </source>
        <translation>
            <numerusform>%n weicht von der Elterntabelle ab, </numerusform>
            <numerusform>%n weichen von der Elterntabelle ab, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n with a bloat estimate over the threshold.</source>
        <translation>
            <numerusform>%n mit geschätztem Bloat über dem Schwellwert.</numerusform>
            <numerusform>%n mit geschätztem Bloat über dem Schwellwert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsView</name>
    <message>
        <source>Partitions</source>
        <translation>Partitionen</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Shade by rows</source>
        <translation>Nach Zeilen schattieren</translation>
    </message>
    <message>
        <source>Shade by size</source>
        <translation>Nach Größe schattieren</translation>
    </message>
    <message>
        <source>&amp;Create partitions through…</source>
        <translation>Partitionen an&amp;legen bis…</translation>
    </message>
    <message>
        <source>Preview the partitions missing up to the chosen month</source>
        <translation>Vorschau der fehlenden Partitionen bis zum gewählten Monat</translation>
    </message>
    <message>
        <source>&amp;Move rows out of default</source>
        <translation>Zeilen aus Standard &amp;verschieben</translation>
    </message>
    <message>
        <source>Preview creating the months the default partition&apos;s rows belong to and moving them there (row counts checked)</source>
        <translation>Vorschau: die Monate anlegen, zu denen die Zeilen der Standardpartition gehören, und sie dorthin verschieben (Zeilenzahlen werden geprüft)</translation>
    </message>
    <message>
        <source>Refresh &amp;views</source>
        <translation>&amp;Sichten aktualisieren</translation>
    </message>
    <message>
        <source>Preview REFRESH MATERIALIZED VIEW CONCURRENTLY of the count views</source>
        <translation>Vorschau von REFRESH MATERIALIZED VIEW CONCURRENTLY für die Zähl-Sichten</translation>
    </message>
    <message>
        <source>Zoom:</source>
        <translation>Zoom:</translation>
    </message>
    <message>
        <source>Preview: choose an action above; nothing runs until you apply it.</source>
        <translation>Vorschau: Wählen Sie oben eine Aktion; nichts läuft, bevor Sie sie anwenden.</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Log of maintenance runs</source>
        <translation>Protokoll der Wartungsläufe</translation>
    </message>
    <message numerus="yes">
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n Jahr</numerusform>
            <numerusform>%n Jahre</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lade…</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Reading partitions…</source>
        <translation>Lese Partitionen…</translation>
    </message>
    <message>
        <source>Could not read the partitions: %1</source>
        <translation>Die Partitionen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not load.</source>
        <translation>Laden fehlgeschlagen.</translation>
    </message>
    <message>
        <source>%1: not created yet (run the migrations)</source>
        <translation>%1: noch nicht angelegt (führen Sie die Migrationen aus)</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) in the default partition</source>
        <translation>
            <numerusform>%n Zeile in der Standardpartition</numerusform>
            <numerusform>%n Zeilen in der Standardpartition</numerusform>
        </translation>
    </message>
    <message>
        <source>next month not covered</source>
        <translation>nächster Monat nicht abgedeckt</translation>
    </message>
    <message>
        <source>Choose a month from %1 on; &quot;%2&quot; is in the past (older months are created by `melodee partitions maintain --from`).</source>
        <translation>Wählen Sie einen Monat ab %1; „%2“ liegt in der Vergangenheit (ältere Monate legt `melodee partitions maintain --from` an).</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>Plane…</translation>
    </message>
    <message>
        <source>Could not plan: %1</source>
        <translation>Planung nicht möglich: %1</translation>
    </message>
    <message numerus="yes">
        <source>Nothing to do: partitions already cover the next %n month(s).</source>
        <translation>
            <numerusform>Nichts zu tun: Die Partitionen decken den nächsten Monat bereits ab.</numerusform>
            <numerusform>Nichts zu tun: Die Partitionen decken die nächsten %n Monate bereits ab.</numerusform>
        </translation>
    </message>
    <message>
        <source>Preview: refresh the count views concurrently (readers are not blocked).</source>
        <translation>Vorschau: die Zähl-Sichten nebenläufig aktualisieren (Leser werden nicht blockiert).</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wende an…</translation>
    </message>
    <message>
        <source>applying: %1</source>
        <translation>wende an: %1</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>%1: %2, %3, %4</source>
        <translation>%1: %2, %3, %4</translation>
    </message>
    <message numerus="yes">
        <source>%n partition(s)</source>
        <translation>
            <numerusform>%n Partition</numerusform>
            <numerusform>%n Partitionen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n month(s) ahead</source>
        <translation>
            <numerusform>%n Monat im Voraus</numerusform>
            <numerusform>%n Monate im Voraus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n gap(s)</source>
        <translation>
            <numerusform>%n Lücke</numerusform>
            <numerusform>%n Lücken</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 new, %n row(s) to move</source>
        <translation>
            <numerusform>%1: %2 neu, %n Zeile zu verschieben</numerusform>
            <numerusform>%1: %2 neu, %n Zeilen zu verschieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Zoom: right shows fewer years, left more (Ctrl+wheel on the timeline)</source>
        <translation>Zoom: rechts weniger Jahre, links mehr (Strg+Mausrad auf der Zeitleiste)</translation>
    </message>
    <message>
        <source>Not planned: %1.</source>
        <translation>Nicht geplant: %1.</translation>
    </message>
    <message>
        <source>Nothing to do: no row in a default partition can move.</source>
        <translation>Nichts zu tun: Keine Zeile in einer Standardpartition kann verschoben werden.</translation>
    </message>
    <message>
        <source>%1 — step %2 of %3</source>
        <translation>%1 — Schritt %2 von %3</translation>
    </message>
    <message>
        <source>cancelled: the running statement was stopped on the server and its transaction rolled back</source>
        <translation>abgebrochen: Die laufende Anweisung wurde auf dem Server gestoppt und ihre Transaktion zurückgerollt</translation>
    </message>
    <message>
        <source>Cancelled; press Reload to read the partitions.</source>
        <translation>Abgebrochen; „Neu laden“ liest die Partitionen.</translation>
    </message>
    <message>
        <source>Chec&amp;k</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <source>Compare every partition with its parent: indexes, constraints, privileges, storage options; last vacuum and analyze; bloat estimate. Reads only.</source>
        <translation>Jede Partition mit ihrer Elterntabelle vergleichen: Indizes, Constraints, Rechte, Speicheroptionen; letztes VACUUM und ANALYZE; geschätzter Bloat. Nur lesend.</translation>
    </message>
    <message>
        <source>no retention</source>
        <translation>keine Aufbewahrungsgrenze</translation>
    </message>
    <message>
        <source> months kept</source>
        <translation> Monate behalten</translation>
    </message>
    <message>
        <source>Draw the retention horizon: `melodee partitions retention --keep N` detaches and drops the hatched partitions before it</source>
        <translation>Den Aufbewahrungshorizont zeichnen: `melodee partitions retention --keep N` hängt die schraffierten Partitionen davor ab (DETACH) und löscht sie</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>Abweichungen</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 new, %n row(s) to move in batches</source>
        <translation>
            <numerusform>%1: %2 neu, %n Zeile in Stapeln zu verschieben</numerusform>
            <numerusform>%1: %2 neu, %n Zeilen in Stapeln zu verschieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Preview (%1). Apply runs exactly this. Next to an empty default partition one transaction per table, rolled back if row counts differ; next to a non-empty one, batches of %2 rows that a cancel keeps and a new apply resumes.</source>
        <translation>Vorschau (%1). Anwenden führt genau dies aus. Ist die Standardpartition leer, eine Transaktion pro Tabelle, die bei abweichenden Zeilenzahlen zurückgerollt wird; ist sie nicht leer, Stapel zu %2 Zeilen, die ein Abbruch behält und ein neues Anwenden fortsetzt.</translation>
    </message>
    <message>
        <source>%1 — %2 of %3 rows</source>
        <translation>%1 — %2 von %3 Zeilen</translation>
    </message>
    <message>
        <source>Cancelled. Tables and batches finished before the cancel stay done; the reload shows what is in the database, and a new preview resumes a batched move.</source>
        <translation>Abgebrochen. Vor dem Abbruch fertige Tabellen und Stapel bleiben erledigt; das Neuladen zeigt, was in der Datenbank steht, und eine neue Vorschau setzt ein Verschieben in Stapeln fort.</translation>
    </message>
    <message>
        <source>Checking partitions…</source>
        <translation>Partitionen werden geprüft…</translation>
    </message>
    <message>
        <source>Could not check the partitions: %1</source>
        <translation>Die Partitionen konnten nicht geprüft werden: %1</translation>
    </message>
    <message>
        <source>The partitions changed since this preview was made (another session?). Nothing was applied: preview again.</source>
        <translation>Die Partitionen haben sich seit dieser Vorschau geändert (eine andere Sitzung?). Nichts wurde angewendet: Erstellen Sie die Vorschau neu.</translation>
    </message>
    <message>
        <source>The partitions changed since the last check: press Check to check them again.</source>
        <translation>Die Partitionen haben sich seit der letzten Prüfung geändert: „Prüfen“ prüft sie erneut.</translation>
    </message>
</context>
<context>
    <name>melodee::PlaceholderPage</name>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>Not connected. Open File → Connection profiles… to connect.</source>
        <translation>Nicht verbunden. Öffnen Sie Datei → Verbindungsprofile…, um eine Verbindung herzustellen.</translation>
    </message>
</context>
<context>
    <name>melodee::ReplicaLagModel</name>
    <message>
        <source>checking…</source>
        <translation>wird geprüft…</translation>
    </message>
    <message>
        <source>in rotation</source>
        <translation>in Rotation</translation>
    </message>
    <message>
        <source>out of rotation (lagging)</source>
        <translation>außer Rotation (im Rückstand)</translation>
    </message>
    <message>
        <source>out of rotation (down)</source>
        <translation>außer Rotation (nicht erreichbar)</translation>
    </message>
    <message>
        <source>out of rotation (not a replica)</source>
        <translation>außer Rotation (kein Replikat)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Replica</source>
        <translation>Replikat</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>Rückstand</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>melodee::ReplicaLagPanel</name>
    <message>
        <source>Replica lag</source>
        <translation>Rückstand der Replikate</translation>
    </message>
    <message>
        <source>Replay lag per replica</source>
        <translation>Replay-Rückstand je Replikat</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>No read replicas configured (database.replicas).</source>
        <translation>Keine Lese-Replikate konfiguriert (database.replicas).</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
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
        <translation>Diese Ansicht verwaltet Melodees eigenes %1*-Schema. Diese Datenbank enthält das Schema von melodee-next (tracks, albums, artists, …), das dessen GORM-AutoMigrate verwaltet.</translation>
    </message>
    <message>
        <source>Applying these migrations here would create Melodee&apos;s tables beside melodee-next&apos;s and change none of them: do not apply them to this database.</source>
        <translation>Diese Migrationen hier anzuwenden, würde Melodees Tabellen neben denen von melodee-next anlegen und keine davon ändern: Wenden Sie sie nicht auf diese Datenbank an.</translation>
    </message>
    <message>
        <source>Its tables are not partitioned, so there are no partitions to maintain here. Sizes, indexes and foreign keys of its tables: melodee inspect --details.</source>
        <translation>Ihre Tabellen sind nicht partitioniert, hier gibt es also keine Partitionen zu pflegen. Größen, Indizes und Fremdschlüssel ihrer Tabellen: melodee inspect --details.</translation>
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
        <translation>Name</translation>
    </message>
    <message>
        <source>Artist ID</source>
        <translation>Künstler-ID</translation>
    </message>
    <message>
        <source>Album ID</source>
        <translation>Album-ID</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Created (UTC)</source>
        <translation>Angelegt (UTC)</translation>
    </message>
    <message>
        <source>about %1</source>
        <translation>etwa %1</translation>
    </message>
    <message>
        <source>Click to sort by this column; click again to reverse the order.</source>
        <translation>Klicken, um nach dieser Spalte zu sortieren; erneut klicken kehrt die Reihenfolge um.</translation>
    </message>
    <message>
        <source>This column cannot be sorted: the database has no index for it.</source>
        <translation>Diese Spalte lässt sich nicht sortieren: Die Datenbank hat keinen Index dafür.</translation>
    </message>
</context>
<context>
    <name>melodee::SongsView</name>
    <message>
        <source>Songs</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Search names…</source>
        <translation>Namen suchen…</translation>
    </message>
    <message>
        <source>Artist ID</source>
        <translation>Künstler-ID</translation>
    </message>
    <message>
        <source>Album ID</source>
        <translation>Album-ID</translation>
    </message>
    <message>
        <source>Count exactly</source>
        <translation>Genau zählen</translation>
    </message>
    <message>
        <source>◀ Prev</source>
        <translation>◀ Zurück</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Weiter ▶</translation>
    </message>
    <message>
        <source>page size </source>
        <translation>Seitengröße </translation>
    </message>
    <message>
        <source>go to page </source>
        <translation>gehe zu Seite </translation>
    </message>
    <message>
        <source>Select a song to see its details.</source>
        <translation>Wählen Sie einen Titel, um seine Details zu sehen.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Delete song</source>
        <translation>Titel löschen</translation>
    </message>
    <message>
        <source>≈ … songs</source>
        <translation>≈ … Titel</translation>
    </message>
    <message>
        <source>%1 songs</source>
        <translation>%1 Titel</translation>
    </message>
    <message>
        <source>≈ %1 songs</source>
        <translation>≈ %1 Titel</translation>
    </message>
    <message>
        <source>Loading song %1…</source>
        <translation>Lade Titel %1…</translation>
    </message>
    <message>
        <source>Could not load song %1: %2</source>
        <translation>Titel %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Song %1 no longer exists.</source>
        <translation>Titel %1 existiert nicht mehr.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>ID: %1</source>
        <translation>ID: %1</translation>
    </message>
    <message>
        <source>Artist: %1 (%2)</source>
        <translation>Künstler: %1 (%2)</translation>
    </message>
    <message>
        <source>Album: %1 (%2)</source>
        <translation>Album: %1 (%2)</translation>
    </message>
    <message>
        <source>Duration: %1 s</source>
        <translation>Dauer: %1 s</translation>
    </message>
    <message>
        <source>Play count: %1</source>
        <translation>Wiedergaben: %1</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>Datei: %1</translation>
    </message>
    <message>
        <source>Created: %1</source>
        <translation>Angelegt: %1</translation>
    </message>
    <message>
        <source>Cache: %1</source>
        <translation>Cache: %1</translation>
    </message>
    <message>
        <source>Rename failed: %1</source>
        <translation>Umbenennen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Deleted song %1.</source>
        <translation>Titel %1 gelöscht.</translation>
    </message>
    <message>
        <source>Delete failed: %1</source>
        <translation>Löschen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>« First</source>
        <translation>« Erste</translation>
    </message>
    <message>
        <source>Last »</source>
        <translation>Letzte »</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lade…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Renamed song %1.</source>
        <translation>Titel %1 umbenannt.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keins)</translation>
    </message>
    <message>
        <source>Delete the song “%1”?

Artist: %2
Album: %3
ID: %4

This cannot be undone.</source>
        <translation>Den Titel „%1“ löschen?

Künstler: %2
Album: %3
ID: %4

Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>The selection changed; nothing was deleted.</source>
        <translation>Die Auswahl hat sich geändert; nichts wurde gelöscht.</translation>
    </message>
    <message>
        <source>about %1</source>
        <translation>etwa %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be sorted: the database has no index for it. The list stays sorted by &quot;%2&quot;.</source>
        <translation>„%1“ lässt sich nicht sortieren: Die Datenbank hat keinen Index dafür. Die Liste bleibt nach „%2“ sortiert.</translation>
    </message>
    <message>
        <source>page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <source>page %1 of about %2</source>
        <translation>Seite %1 von etwa %2</translation>
    </message>
</context>
<context>
    <name>melodee::Startup</name>
    <message>
        <source>--view: unknown view &quot;%1&quot; (expected one of: %2)</source>
        <translation>--view: unbekannte Ansicht „%1“ (erwartet wird eine von: %2)</translation>
    </message>
    <message>
        <source>--profile and --dsn cannot be combined</source>
        <translation>--profile und --dsn können nicht kombiniert werden</translation>
    </message>
</context>
<context>
    <name>melodee::TimeSeriesChart</name>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
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
        <translation>Vitalwerte des Servers</translation>
    </message>
    <message>
        <source>Transactions per second</source>
        <translation>Transaktionen pro Sekunde</translation>
    </message>
    <message>
        <source>commit</source>
        <translation>Commit</translation>
    </message>
    <message>
        <source>rollback</source>
        <translation>Rollback</translation>
    </message>
    <message>
        <source>1/s</source>
        <translation>1/s</translation>
    </message>
    <message>
        <source>Tuples out per second</source>
        <translation>Gelesene Tupel pro Sekunde</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>zurückgegeben</translation>
    </message>
    <message>
        <source>fetched</source>
        <translation>abgerufen</translation>
    </message>
    <message>
        <source>Tuples in per second</source>
        <translation>Geschriebene Tupel pro Sekunde</translation>
    </message>
    <message>
        <source>inserted</source>
        <translation>eingefügt</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>geändert</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>Block I/O per second</source>
        <translation>Block-E/A pro Sekunde</translation>
    </message>
    <message>
        <source>read (disk)</source>
        <translation>gelesen (Platte)</translation>
    </message>
    <message>
        <source>hit (cache)</source>
        <translation>Treffer (Cache)</translation>
    </message>
    <message>
        <source>blocks/s</source>
        <translation>Blöcke/s</translation>
    </message>
    <message>
        <source>Reading the server&apos;s statistics…</source>
        <translation>Lese die Statistiken des Servers …</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Lock waits</source>
        <translation>Sperrwartende</translation>
    </message>
    <message>
        <source>Autovacuum on partitions</source>
        <translation>Autovacuum auf Partitionen</translation>
    </message>
    <message>
        <source>Could not read the server&apos;s statistics: %1</source>
        <translation>Die Statistiken des Servers konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>(not visible)</source>
        <translation>(nicht sichtbar)</translation>
    </message>
    <message>
        <source>Sessions in %1: %2 (%3)</source>
        <translation>Sitzungen in %1: %2 (%3)</translation>
    </message>
    <message>
        <source>Oldest transaction: %1, pid %2 (%3, %4)</source>
        <translation>Älteste Transaktion: %1, PID %2 (%3, %4)</translation>
    </message>
    <message>
        <source>state hidden</source>
        <translation>Zustand verborgen</translation>
    </message>
    <message>
        <source>, holds back cleanup of rows from the last %1 transactions</source>
        <translation>, hält das Aufräumen der Zeilen der letzten %1 Transaktionen auf</translation>
    </message>
    <message>
        <source>: %1</source>
        <translation>: %1</translation>
    </message>
    <message>
        <source>Oldest transaction: none open</source>
        <translation>Älteste Transaktion: keine offen</translation>
    </message>
    <message>
        <source>Lock waits: none</source>
        <translation>Sperrwartende: keine</translation>
    </message>
    <message numerus="yes">
        <source>Lock waits: %n session(s) waiting</source>
        <translation>
            <numerusform>Sperrwartende: %n Sitzung wartet</numerusform>
            <numerusform>Sperrwartende: %n Sitzungen warten</numerusform>
        </translation>
    </message>
    <message>
        <source>Autovacuum on partitions of %1*: %2 partitions, %3 dead tuples, %4 VACUUM running</source>
        <translation>Autovacuum auf Partitionen von %1*: %2 Partitionen, %3 tote Tupel, %4 VACUUM laufen</translation>
    </message>
</context>
</TS>
