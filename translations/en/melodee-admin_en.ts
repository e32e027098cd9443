<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>melodee::ActivityPanel</name>
    <message numerus="yes">
        <source>%n session(s) on the server</source>
        <translation>
            <numerusform>%n session on the server</numerusform>
            <numerusform>%n sessions on the server</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) in %1</source>
        <translation>
            <numerusform>%n session in %1</numerusform>
            <numerusform>%n sessions in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of ours (highlighted)</source>
        <translation>
            <numerusform>%n of ours (highlighted)</numerusform>
            <numerusform>%n of ours (highlighted)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more in other databases or background processes</source>
        <translation>
            <numerusform>%n more in other databases or background processes</numerusform>
            <numerusform>%n more in other databases or background processes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::ConversionDialog</name>
    <message numerus="yes">
        <source>Plan %1: %n month partition(s) and a default.</source>
        <translation>
            <numerusform>Plan %1: %n month partition and a default.</numerusform>
            <numerusform>Plan %1: %n month partitions and a default.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 converted (plan %2): %3 rows in %n month(s) verified; the old table is %4.</source>
        <translation>
            <numerusform>%1 converted (plan %2): %3 rows in %n month verified; the old table is %4.</numerusform>
            <numerusform>%1 converted (plan %2): %3 rows in %n months verified; the old table is %4.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::MigrationListModel</name>
    <message numerus="yes">
        <source>%n pending</source>
        <translation>
            <numerusform>%n pending</numerusform>
            <numerusform>%n pending</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::MigrationSqlPane</name>
    <message numerus="yes">
        <source>waited for %n session(s)</source>
        <translation>
            <numerusform>waited for %n session</numerusform>
            <numerusform>waited for %n sessions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>blocked %n session(s)</source>
        <translation>
            <numerusform>blocked %n session</numerusform>
            <numerusform>blocked %n sessions</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::MigrationsView</name>
    <message numerus="yes">
        <source>dry run: %n migration(s), %1 statements, phases %2, plan %3</source>
        <translation>
            <numerusform>dry run: %n migration, %1 statements, phases %2, plan %3</numerusform>
            <numerusform>dry run: %n migrations, %1 statements, phases %2, plan %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Applied %n migration(s); database at version %1 (plan %2).</source>
        <translation>
            <numerusform>Applied %n migration; database at version %1 (plan %2).</numerusform>
            <numerusform>Applied %n migrations; database at version %1 (plan %2).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Rehearsed %1 of %n migration(s) in one transaction, rolled back: nothing was changed.</source>
        <translation>
            <numerusform>Rehearsed %1 of %n migration in one transaction, rolled back: nothing was changed.</numerusform>
            <numerusform>Rehearsed %1 of %n migrations in one transaction, rolled back: nothing was changed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pending migration(s)</source>
        <translation>
            <numerusform>%n pending migration</numerusform>
            <numerusform>%n pending migrations</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n statement(s)</source>
        <translation>
            <numerusform>%n statement</numerusform>
            <numerusform>%n statements</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · guard: %n step(s) production applies only after confirmation</source>
        <translation>
            <numerusform> · guard: %n step production applies only after confirmation</numerusform>
            <numerusform> · guard: %n steps production applies only after confirmation</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::PartitionTimeline</name>
    <message numerus="yes">
        <source>
Older than the retention horizon (%n month(s) kept)</source>
        <translation>
            <numerusform>
Older than the retention horizon (%n month kept)</numerusform>
            <numerusform>
Older than the retention horizon (%n months kept)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::PartitionVacuumModel</name>
    <message numerus="yes">
        <source>%1
partition of %2; autovacuum ran %n time(s) on it</source>
        <translation>
            <numerusform>%1
partition of %2; autovacuum ran %n time on it</numerusform>
            <numerusform>%1
partition of %2; autovacuum ran %n times on it</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsDriftPanel</name>
    <message numerus="yes">
        <source>%n partition(s) checked at %1 UTC: </source>
        <translation>
            <numerusform>%n partition checked at %1 UTC: </numerusform>
            <numerusform>%n partitions checked at %1 UTC: </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n drifted from the parent, </source>
        <translation>
            <numerusform>%n drifted from the parent, </numerusform>
            <numerusform>%n drifted from the parent, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n with a bloat estimate over the threshold.</source>
        <translation>
            <numerusform>%n with a bloat estimate over the threshold.</numerusform>
            <numerusform>%n with a bloat estimate over the threshold.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::PartitionsView</name>
    <message numerus="yes">
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n year</numerusform>
            <numerusform>%n years</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) in the default partition</source>
        <translation>
            <numerusform>%n row in the default partition</numerusform>
            <numerusform>%n rows in the default partition</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Nothing to do: partitions already cover the next %n month(s).</source>
        <translation>
            <numerusform>Nothing to do: partitions already cover the next %n month.</numerusform>
            <numerusform>Nothing to do: partitions already cover the next %n months.</numerusform>
        </translation>
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
            <numerusform>%n month ahead</numerusform>
            <numerusform>%n months ahead</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n gap(s)</source>
        <translation>
            <numerusform>%n gap</numerusform>
            <numerusform>%n gaps</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 new, %n row(s) to move</source>
        <translation>
            <numerusform>%1: %2 new, %n row to move</numerusform>
            <numerusform>%1: %2 new, %n rows to move</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 new, %n row(s) to move in batches</source>
        <translation>
            <numerusform>%1: %2 new, %n row to move in batches</numerusform>
            <numerusform>%1: %2 new, %n rows to move in batches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>melodee::VitalsPanel</name>
    <message numerus="yes">
        <source>Lock waits: %n session(s) waiting</source>
        <translation>
            <numerusform>Lock waits: %n session waiting</numerusform>
            <numerusform>Lock waits: %n sessions waiting</numerusform>
        </translation>
    </message>
</context>
</TS>
