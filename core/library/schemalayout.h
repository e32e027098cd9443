#pragma once

namespace melodee {

// Which layout the song tables follow. Melodee: ours, the partitioned {prefix}songs our migrations
// create. MelodeeNext: the unprefixed, unpartitioned tables melodee-next's GORM AutoMigrate
// creates (tracks, albums, artists), browsed read-only. The front ends pick it from what
// SchemaInspector::detect() finds in the database.
enum class SchemaLayout { Melodee, MelodeeNext };

} // namespace melodee
