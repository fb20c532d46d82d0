-- A small sample company in the shape of MySQL's classic sample (offices, employees, customers, products,
-- orders with statuses, order lines, payments). Used by tests/etl/test_sql_sources.py and docs/sources.md.
CREATE TABLE offices (officeCode VARCHAR(10) PRIMARY KEY, city VARCHAR(50) NOT NULL, country VARCHAR(50) NOT NULL);
CREATE TABLE employees (employeeNumber INT PRIMARY KEY, lastName VARCHAR(50), firstName VARCHAR(50),
  officeCode VARCHAR(10) NOT NULL REFERENCES offices(officeCode), reportsTo INT NULL, jobTitle VARCHAR(50));
CREATE TABLE customers (customerNumber INT PRIMARY KEY, customerName VARCHAR(50), city VARCHAR(50),
  country VARCHAR(50), salesRepEmployeeNumber INT NULL REFERENCES employees(employeeNumber));
CREATE TABLE products (productCode VARCHAR(15) PRIMARY KEY, productName VARCHAR(70), productLine VARCHAR(50),
  buyPrice DECIMAL(10,2), MSRP DECIMAL(10,2));
CREATE TABLE orders (orderNumber INT PRIMARY KEY, orderDate DATE NOT NULL, requiredDate DATE NOT NULL,
  shippedDate DATE NULL, status VARCHAR(15) NOT NULL, customerNumber INT NOT NULL REFERENCES customers(customerNumber));
CREATE TABLE orderdetails (orderNumber INT, productCode VARCHAR(15), quantityOrdered INT, priceEach DECIMAL(10,2),
  orderLineNumber SMALLINT, PRIMARY KEY (orderNumber, productCode));
CREATE TABLE payments (customerNumber INT, checkNumber VARCHAR(50), paymentDate DATE, amount DECIMAL(10,2),
  PRIMARY KEY (customerNumber, checkNumber));

INSERT INTO offices VALUES ('1', 'San Francisco', 'USA'), ('4', 'Paris', 'France');
INSERT INTO employees VALUES (1002, 'Murphy', 'Diane', '1', NULL, 'President'),
  (1370, 'Hernandez', 'Gerard', '4', 1002, 'Sales Rep'), (1401, 'Castillo', 'Pamela', '4', 1002, 'Sales Rep'),
  (1165, 'Jennings', 'Leslie', '1', 1002, 'Sales Rep');
INSERT INTO customers VALUES (103, 'Atelier graphique', 'Nantes', 'France', 1370),
  (112, 'Signal Gift Stores', 'Las Vegas', 'USA', 1165), (119, 'La Rochelle Gifts', 'Nantes', 'France', 1401),
  (125, 'Havel & Zbyszek Co', 'Warszawa', 'Poland', NULL);
INSERT INTO products VALUES ('S10_1678', '1969 Harley Davidson', 'Motorcycles', 48.81, 95.70),
  ('S10_1949', '1952 Alpine Renault', 'Classic Cars', 98.58, 214.30), ('S12_1099', '1968 Ford Mustang', 'Classic Cars',
  95.34, 194.57);
INSERT INTO orders VALUES
  (10100, '2025-01-06', '2025-01-13', '2025-01-10', 'Shipped', 103),
  (10101, '2025-01-09', '2025-01-18', '2025-01-20', 'Shipped', 112),
  (10102, '2025-01-10', '2025-01-18', NULL, 'In Process', 119),
  (10103, '2025-01-15', '2025-01-24', '2025-01-17', 'Cancelled', 119),
  (10104, '2025-01-20', '2025-01-29', NULL, 'On Hold', 112);
INSERT INTO orderdetails VALUES (10100, 'S10_1678', 30, 81.35, 1), (10100, 'S10_1949', 2, 200.00, 2),
  (10101, 'S12_1099', 10, 180.50, 1), (10102, 'S10_1678', 5, 90.00, 1), (10102, 'S12_1099', 1, 190.00, 2),
  (10103, 'S10_1949', 40, 210.00, 1), (10104, 'S10_1678', 12, 85.25, 1), (10104, 'S10_1949', 3, 205.10, 2);
INSERT INTO payments VALUES (103, 'HQ336336', '2025-01-25', 2840.50), (112, 'JM555205', '2025-02-01', 1805.00);
