<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
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
</context>
<context>
    <name>melodee</name>
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
    <name>melodee::ConnectionProfilesDialog</name>
    <message>
        <source>Connection Profiles</source>
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
        <source>How long to wait for the server, as a Go duration (10s, 1m). libpq waits at least 2s.</source>
        <translation>Wie lange auf den Server gewartet wird, als Go-Dauer (10s, 1m). libpq wartet mindestens 2s.</translation>
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
        <source>&amp;Import Melodee Config…</source>
        <translation>Melodee-Konfiguration &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
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
        <source>%1: &quot;%2&quot; is not a duration (%3). Use Go syntax such as 30m, 1h30m, 90s or 500ms.</source>
        <translation>%1: „%2“ ist keine Dauer (%3). Verwenden Sie Go-Syntax wie 30m, 1h30m, 90s oder 500ms.</translation>
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
        <source>Max idle connections (%1) is above max open connections (%2): it will be lowered to %2, as Go does.</source>
        <translation>Max. ruhende Verbindungen (%1) liegt über max. offenen Verbindungen (%2): Der Wert wird wie in Go auf %2 gesenkt.</translation>
    </message>
    <message>
        <source>Cancel &amp;Test</source>
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
        <source>Delete Profile</source>
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
        <source>Connection failed after %1 s: %2</source>
        <translation>Verbindung nach %1 s fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Import Melodee Config</source>
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
</context>
<context>
    <name>melodee::ConnectionSession</name>
    <message>
        <source>local socket</source>
        <translation>lokaler Socket</translation>
    </message>
</context>
<context>
    <name>melodee::DashboardView</name>
    <message>
        <source>Live connection-pool charts, the health badge, runtime pool settings, a load test and server activity will appear here.</source>
        <translation>Hier erscheinen Live-Diagramme des Verbindungspools, der Gesundheitsstatus, die Pool-Einstellungen zur Laufzeit, ein Lasttest und die Serveraktivität.</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
</context>
<context>
    <name>melodee::HealthCheck</name>
    <message>
        <source>SELECT 1 took %1 ms (slow threshold %2)</source>
        <translation>SELECT 1 dauerte %1 ms (Schwelle für langsam: %2)</translation>
    </message>
    <message>
        <source>SELECT 1 in %1 ms</source>
        <translation>SELECT 1 in %1 ms</translation>
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
        <source>Connection &amp;Profiles…</source>
        <translation>Verbindungs&amp;profile…</translation>
    </message>
    <message>
        <source>&amp;Check Health Now</source>
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
        <source>Configuration Error</source>
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
        <source>About Melodee Admin</source>
        <translation>Über Melodee Admin</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Melodee Admin %1&lt;/h3&gt;&lt;p&gt;Administration of the PostgreSQL database of the Melodee music server.&lt;/p&gt;&lt;p&gt;Qt %2 (built with %3), libpq %4.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Melodee Admin %1&lt;/h3&gt;&lt;p&gt;Verwaltung der PostgreSQL-Datenbank des Melodee-Musikservers.&lt;/p&gt;&lt;p&gt;Qt %2 (gebaut mit %3), libpq %4.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Not connected: open File → Connection Profiles… (%1)</source>
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
        <source>● checking…</source>
        <translation>● prüfe…</translation>
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
        <source>PostgreSQL %1; TLS: %2</source>
        <translation>PostgreSQL %1; TLS: %2</translation>
    </message>
    <message>
        <source>not in use</source>
        <translation>nicht aktiv</translation>
    </message>
    <message>
        <source>Checked at %1</source>
        <translation>Geprüft um %1</translation>
    </message>
</context>
<context>
    <name>melodee::MigrationsView</name>
    <message>
        <source>Every migration with its status and checksum, the exact SQL with lint findings, dry run, rehearsal and a reviewed apply will appear here.</source>
        <translation>Hier erscheinen alle Migrationen mit Status und Prüfsumme, das genaue SQL mit den Lint-Befunden, Probelauf, Generalprobe und ein geprüftes Anwenden.</translation>
    </message>
    <message>
        <source>Migrations</source>
        <translation>Migrationen</translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsView</name>
    <message>
        <source>A timeline of the partitions of each partitioned table, with gaps, the default partition and the premake horizon, will appear here.</source>
        <translation>Hier erscheint eine Zeitleiste der Partitionen jeder partitionierten Tabelle mit Lücken, der Standardpartition und dem Vorlaufhorizont.</translation>
    </message>
    <message>
        <source>Partitions</source>
        <translation>Partitionen</translation>
    </message>
</context>
<context>
    <name>melodee::PlaceholderPage</name>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>Not connected. Open File → Connection Profiles… to connect.</source>
        <translation>Nicht verbunden. Öffnen Sie Datei → Verbindungsprofile…, um eine Verbindung herzustellen.</translation>
    </message>
</context>
<context>
    <name>melodee::SongsView</name>
    <message>
        <source>A song browser over the whole library that pages by key, so the last page opens as fast as the first, will appear here.</source>
        <translation>Hier erscheint ein Titel-Browser über die gesamte Bibliothek, der nach Schlüssel blättert, sodass die letzte Seite so schnell öffnet wie die erste.</translation>
    </message>
    <message>
        <source>Songs</source>
        <translation>Titel</translation>
    </message>
</context>
</TS>
