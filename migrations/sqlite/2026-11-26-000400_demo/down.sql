DROP TABLE instance_flags;
