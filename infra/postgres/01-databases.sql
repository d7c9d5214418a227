-- One database and one login role per service: no service can read another's tables.
-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d).
-- The passwords are development defaults matching docker-compose.yml; a real deployment
-- changes them (ALTER ROLE ... PASSWORD) and passes the new URLs through the environment.

CREATE ROLE credit     LOGIN PASSWORD 'credit-dev';
CREATE ROLE inspection LOGIN PASSWORD 'inspection-dev';
CREATE ROLE casework   LOGIN PASSWORD 'casework-dev';
CREATE ROLE disclosure LOGIN PASSWORD 'disclosure-dev';
CREATE ROLE coordination LOGIN PASSWORD 'coordination-dev';
-- The gateway keeps only its access audit trail.
CREATE ROLE gateway    LOGIN PASSWORD 'gateway-dev';

CREATE DATABASE credit     OWNER credit     ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE inspection OWNER inspection ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE casework   OWNER casework   ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE disclosure OWNER disclosure ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE coordination OWNER coordination ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE gateway    OWNER gateway    ENCODING 'UTF8' TEMPLATE template0;

-- Nobody but the owner may connect to a service's database.
REVOKE CONNECT ON DATABASE credit     FROM PUBLIC;
REVOKE CONNECT ON DATABASE inspection FROM PUBLIC;
REVOKE CONNECT ON DATABASE casework   FROM PUBLIC;
REVOKE CONNECT ON DATABASE disclosure FROM PUBLIC;
REVOKE CONNECT ON DATABASE coordination FROM PUBLIC;
REVOKE CONNECT ON DATABASE gateway    FROM PUBLIC;
