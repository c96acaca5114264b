-- The databases of the project (native mode creates the same ones in infra/native/postgres.sh).
CREATE DATABASE one;
CREATE DATABASE two;
CREATE DATABASE reference;
